package io.sagaflow.participant;

import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * The API token the SDK presents to the engine ({@code Authorization: Bearer}), from the system property
 * {@code sagaflow.token} or the environment variable {@code SAGAFLOW_TOKEN} (the same variable as the CLI's). Without
 * one, calls go unauthenticated (an engine with security off). A producer's token needs the {@code starter} role
 * for its Message flows (docs/security.md).
 */
final class EngineToken {

    private EngineToken() {
    }

    static Optional<String> value() {
        String v = System.getProperty("sagaflow.token", System.getenv("SAGAFLOW_TOKEN"));
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** The request with the token's header, when there is a token. */
    static HttpRequest.Builder authorize(HttpRequest.Builder request) {
        value().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return request;
    }
}
