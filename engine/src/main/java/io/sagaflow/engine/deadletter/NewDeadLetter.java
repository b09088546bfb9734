package io.sagaflow.engine.deadletter;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a source gives up on, as it records it.
 *
 * @param origin   what it is about: a saga, message or notification id, or {@code topic-partition@offset}
 * @param reason   a short stable code ({@code unreadable-reply}, {@code compensation-spent}, {@code gave-up}, ...)
 * @param detail   the human explanation (the last error)
 * @param payload  the record or request body as received or sent; need not be JSON
 * @param headers  record or request headers worth keeping
 * @param attempts how many times it was tried before giving up
 */
public record NewDeadLetter(DeadLetterSource source, String origin, Optional<String> flow, String reason,
                            String detail, Optional<String> payload, Map<String, String> headers, int attempts) {

    public NewDeadLetter {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(payload, "payload");
        headers = Map.copyOf(headers);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
        }
    }
}
