package io.sagaflow.engine.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A stored dead letter with its redrives, oldest first (the view of GET /api/dead-letters/{id}). */
public record DeadLetter(UUID id, DeadLetterSource source, String origin, Optional<String> flow, String reason,
                         String detail, Optional<String> payload, Map<String, String> headers, int attempts,
                         DeadLetterStatus status, Instant createdAt, Instant updatedAt, List<Redrive> redrives) {

    public DeadLetter {
        headers = Map.copyOf(headers);
        redrives = List.copyOf(redrives);
    }

    /**
     * One redrive request and what came of it.
     *
     * @param outcome ACCEPTED when handed back to the source; SUCCEEDED or FAILED_AGAIN once the origin settled
     */
    public record Redrive(UUID id, Instant requestedAt, Optional<String> idempotencyKey, Map<String, Object> request,
                          String outcome, Optional<String> detail, Optional<Instant> settledAt) {
    }
}
