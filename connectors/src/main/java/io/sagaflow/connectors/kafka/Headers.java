package io.sagaflow.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;

/** The {@code sagaflow-*} record headers of SPEC §5. */
public final class Headers {

    public static final String SAGA_ID = "sagaflow-saga-id";
    public static final String STEP = "sagaflow-step";
    public static final String KIND = "sagaflow-kind";
    public static final String COMMAND = "sagaflow-command";
    public static final String MESSAGE_ID = "sagaflow-message-id";
    public static final String IDEMPOTENCY_KEY = "sagaflow-idempotency-key";
    public static final String REPLY_TO = "sagaflow-reply-to";
    public static final String OUTCOME = "sagaflow-outcome";
    /** Only on commands for HTTP participants: the URL the HTTP connector posts to. */
    public static final String HTTP_URL = "sagaflow-http-url";
    /** Only on commands for HTTP participants: the request timeout in milliseconds. */
    public static final String HTTP_TIMEOUT_MS = "sagaflow-http-timeout-ms";

    private Headers() {
    }

    public static Optional<String> get(org.apache.kafka.common.header.Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    public static void put(org.apache.kafka.common.header.Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
