package io.sagaflow.dsl.model;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A participant called with {@code POST {url}/{command}}.
 *
 * @param timeout bound of one HTTP request; when empty the step's {@code timeout} applies
 */
public record HttpParticipant(String name, URI url, Optional<Duration> timeout) implements Participant {
    public HttpParticipant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** The URL a command is posted to. */
    public URI commandUri(String command) {
        String base = url.toString();
        return URI.create(base.endsWith("/") ? base + command : base + "/" + command);
    }
}
