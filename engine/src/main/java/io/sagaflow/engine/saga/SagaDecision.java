package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.wire.CommandKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What {@link SagaDecider#decide} wants done for one input. The engine appends {@code events}, writes
 * {@code commands} to the outbox, creates {@code timers} and deletes {@code cancelledTimers}, all in one
 * transaction. {@code rejection} says why an input changed nothing (it may still be recorded as an event).
 */
public record SagaDecision(List<SagaEvent> events, List<Command> commands, List<Timer> timers,
                       List<TimerKey> cancelledTimers, Optional<String> rejection) {

    public SagaDecision {
        events = List.copyOf(events);
        commands = List.copyOf(commands);
        timers = List.copyOf(timers);
        cancelledTimers = List.copyOf(cancelledTimers);
    }

    public static SagaDecision rejected(String reason) {
        return new SagaDecision(List.of(), List.of(), List.of(), List.of(), Optional.of(reason));
    }

    public boolean changesNothing() {
        return events.isEmpty() && commands.isEmpty() && timers.isEmpty() && cancelledTimers.isEmpty();
    }

    /**
     * A command for a participant, sent through the outbox.
     *
     * @param messageId      unique per attempt (the outbox row id, header {@code sagaflow-message-id})
     * @param idempotencyKey the same for every attempt of one step and kind: {@code {sagaId}:{step}:{kind}}
     * @param timeoutMillis  the limit of this attempt, used by the HTTP connector as its request timeout
     */
    public record Command(UUID messageId, String step, CommandKind kind, String command, String participant,
                          JsonNode input, String idempotencyKey, int attempt, long timeoutMillis) {
    }

    /** A durable timer to create. */
    public record Timer(TimerKey key, Instant dueAt) {
    }
}
