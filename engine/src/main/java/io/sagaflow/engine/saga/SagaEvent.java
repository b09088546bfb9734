package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.dsl.model.CommandKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What happened to a saga, in the past tense. Stored as {@code saga_event(type, data)}; the saga id, the
 * sequence number and the time it was recorded travel in the {@link RecordedEvent} envelope. Events are never
 * changed once written: add a new type rather than change the meaning of an old one, or old sagas stop replaying.
 */
public sealed interface SagaEvent {

    /** The stored type name, e.g. {@code SagaStarted}. */
    default String type() {
        return getClass().getSimpleName();
    }

    /** The saga began, on flow version {@code flowVersion}, with these steps in order. */
    record SagaStarted(String flow, int flowVersion, JsonNode input, List<String> steps) implements SagaEvent {
        public SagaStarted {
            steps = List.copyOf(steps);
        }
    }

    /** A command was sent for attempt {@code attempt} of the step; no reply by {@code timeoutAt} fails it. */
    record StepAttemptStarted(String step, CommandKind kind, int attempt, UUID messageId, Instant timeoutAt)
            implements SagaEvent {
    }

    /**
     * An attempt failed transiently (a RETRY reply, or no reply in time when {@code timedOut}). When
     * {@code retryAt} is present the next attempt is scheduled then; when empty the attempts are spent.
     */
    record StepAttemptFailed(String step, CommandKind kind, int attempt, String reason, boolean timedOut,
                             Optional<Instant> retryAt) implements SagaEvent {
    }

    /** The step's action succeeded with {@code output}. */
    record StepSucceeded(String step, JsonNode output) implements SagaEvent {
    }

    /**
     * The step's action failed. {@code outcomeUnknown} when its attempts were spent on transient failures or
     * timeouts: the participant may have acted, so the step is compensated like one that succeeded.
     */
    record StepFailed(String step, String error, boolean outcomeUnknown) implements SagaEvent {
    }

    /** The saga turned back; {@code steps} are compensated in this order (reverse order of completion). */
    record CompensationStarted(String reason, List<String> steps) implements SagaEvent {
        public CompensationStarted {
            steps = List.copyOf(steps);
        }
    }

    /** The step's compensation succeeded. */
    record StepCompensated(String step) implements SagaEvent {
    }

    /** Every step succeeded; {@code output} maps step names to their outputs. */
    record SagaCompleted(JsonNode output) implements SagaEvent {
    }

    /** Every compensation succeeded. */
    record SagaCompensated() implements SagaEvent {
    }

    /** A compensation could not be done; the saga waits for an operator. */
    record SagaFailed(String step, String error) implements SagaEvent {
    }

    /**
     * A reply that changes nothing (duplicate, stale, late after a timeout, or for a saga that ended), kept
     * for the audit trail.
     */
    record ReplyIgnored(UUID messageId, String step, CommandKind kind, Outcome outcome, String reason)
            implements SagaEvent {
    }
}
