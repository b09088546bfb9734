package io.sagaflow.dsl.model;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A participant called with {@code POST {url}/{command}}, on one instance or several.
 *
 * @param urls    the instances' base URLs ({@code url:} gives one, {@code urls:} several): the HTTP connector balances
 *                calls over them and ejects an instance that fails (docs/flows.md, "Several instances")
 * @param timeout bound of one HTTP request; when empty the step's {@code timeout} applies
 * @param protection circuit breaker, bulkhead and rate limit the HTTP connector applies to its calls
 */
public record HttpParticipant(String name, List<URI> urls, Optional<Duration> timeout, Protection protection)
        implements Participant {
    public HttpParticipant {
        Objects.requireNonNull(name, "name");
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("an http participant needs at least one url");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(protection, "protection");
    }

    /** A participant without protection. */
    public HttpParticipant(String name, List<URI> urls, Optional<Duration> timeout) {
        this(name, urls, timeout, Protection.NONE);
    }

    /** A participant of one instance. */
    public HttpParticipant(String name, URI url, Optional<Duration> timeout) {
        this(name, List.of(url), timeout, Protection.NONE);
    }

    /** The URLs a command is posted to, one per instance, in the order of the flow. */
    public List<URI> commandUris(String command) {
        return urls.stream().map(url -> {
            String base = url.toString();
            return URI.create(base.endsWith("/") ? base + command : base + "/" + command);
        }).toList();
    }
}
