package io.sagaflow.engine.notification;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A notification as the API shows it (and the receiver queries it back): its state and every attempt, oldest first.
 *
 * @param nextAttemptAt when the next attempt is due while PENDING; empty once DELIVERED or GAVE_UP
 */
public record Notification(UUID id, String flow, int flowVersion, NotificationStatus status, JsonNode payload,
                           List<Attempt> attempts, Instant createdAt, Instant updatedAt,
                           Optional<Instant> nextAttemptAt) {

    public Notification {
        attempts = List.copyOf(attempts);
    }

    /**
     * One attempt: when it started and what came of it. An attempt without {@code finishedAt} is in flight.
     *
     * @param httpStatus the target's answer, empty when none came (timeout, refused, not sent)
     * @param latencyMs  from sending the request to its outcome
     * @param error      why the attempt failed, empty when it succeeded or is in flight
     */
    public record Attempt(int attempt, Instant startedAt, Optional<Instant> finishedAt, Optional<Integer> httpStatus,
                          Optional<Long> latencyMs, Optional<String> error) {
    }
}
