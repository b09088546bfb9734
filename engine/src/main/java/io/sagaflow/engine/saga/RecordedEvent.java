package io.sagaflow.engine.saga;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** An event as stored: saga id, position in the saga's log (1-based, no gaps) and the time it was recorded. */
public record RecordedEvent(UUID sagaId, long seq, Instant recordedAt, SagaEvent event) {
    public RecordedEvent {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(event, "event");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, was " + seq);
        }
    }
}
