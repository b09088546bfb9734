package io.sagaflow.connectors.kafka;

import io.sagaflow.participant.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;

/** The {@code sagaflow-*} record headers of SPEC §5 (the names are the participant SDK's {@link Wire}). */
public final class Headers {

    public static final String SAGA_ID = Wire.SAGA_ID;
    public static final String STEP = Wire.STEP;
    public static final String KIND = Wire.KIND;
    public static final String COMMAND = Wire.COMMAND;
    public static final String MESSAGE_ID = Wire.MESSAGE_ID;
    public static final String IDEMPOTENCY_KEY = Wire.IDEMPOTENCY_KEY;
    public static final String REPLY_TO = Wire.REPLY_TO;
    public static final String OUTCOME = Wire.OUTCOME;
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
