package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
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

    /** The saga began, on flow version {@code flowVersion}, with these steps in flow order. */
    record SagaStarted(String flow, int flowVersion, JsonNode input, List<String> steps) implements SagaEvent {
        public SagaStarted {
            steps = List.copyOf(steps);
        }
    }

    /**
     * A command was sent: attempt {@code attempt} of run {@code run} of the step's {@code kind}; no reply by
     * {@code timeoutAt} fails the attempt. Runs start at 1; an operator's retry starts run 2, 3, ...
     */
    record StepAttemptStarted(String step, CommandKind kind, int run, int attempt, UUID messageId,
                              Instant timeoutAt) implements SagaEvent {
    }

    /**
     * An attempt failed transiently (a RETRY reply, or no reply in time when {@code timedOut}). When
     * {@code retryAt} is present the next attempt is scheduled then; when empty the attempts are spent.
     */
    record StepAttemptFailed(String step, CommandKind kind, int attempt, String reason, boolean timedOut,
                             Optional<Instant> retryAt) implements SagaEvent {
    }

    /**
     * The HTTP connector held attempt {@code attempt}'s command back ({@code reason}: the participant's circuit is
     * open, its rate limit or bulkhead is full): the participant never saw it. Not a failed attempt: its timeout is
     * cancelled and the same command (same message id) is sent again at {@code resendAt}.
     */
    record StepAttemptDeferred(String step, CommandKind kind, int attempt, UUID messageId, Instant resendAt,
                               String reason) implements SagaEvent {
    }

    /** The step's action (or try) succeeded with {@code output}. */
    record StepSucceeded(String step, JsonNode output) implements SagaEvent {
    }

    /**
     * The step's action (or try) failed. {@code outcomeUnknown} when its attempts were spent on transient
     * failures or timeouts: the participant may have acted, so the step is undone like one that succeeded.
     */
    record StepFailed(String step, String error, boolean outcomeUnknown) implements SagaEvent {
    }

    /** An operator asked to abort a running saga; {@code by} is who (absent in events recorded before the audit). */
    record AbortRequested(String reason, String by) implements SagaEvent {
        public AbortRequested(String reason) {
            this(reason, null);
        }
    }

    /**
     * The saga turned back. {@code groups} are undone in order, the steps of one group at once (the branches of
     * one parallel group); {@code abandoned} steps were still running: their outcome is unknown, their late
     * replies are ignored, and those with an undo command are in {@code groups}.
     */
    record CompensationStarted(String reason, List<List<String>> groups, List<String> abandoned)
            implements SagaEvent {
        public CompensationStarted {
            groups = groups.stream().map(List::copyOf).toList();
            abandoned = List.copyOf(abandoned);
        }
    }

    /** The step's compensation succeeded. */
    record StepCompensated(String step) implements SagaEvent {
    }

    /** The TCC step's cancel succeeded. */
    record StepCancelled(String step) implements SagaEvent {
    }

    /** Every step succeeded; these TCC steps are now confirmed, all at once. */
    record ConfirmationStarted(List<String> steps) implements SagaEvent {
        public ConfirmationStarted {
            steps = List.copyOf(steps);
        }
    }

    /** The TCC step's confirm succeeded. */
    record StepConfirmed(String step) implements SagaEvent {
    }

    /** A compensation, cancel or confirm was refused or its attempts are spent; an operator decides. */
    record SettlementFailed(String step, CommandKind kind, String error) implements SagaEvent {
    }

    /** An operator skipped a step whose compensation, cancel or confirm failed. */
    record StepSkipped(String step, String reason, String by) implements SagaEvent {
        public StepSkipped(String step, String reason) {
            this(step, reason, null);
        }
    }

    /** A FAILED saga goes on (operator retry or skip); {@code rerun} steps start a new run of their failed command. */
    record SagaResumed(String reason, List<String> rerun, String by) implements SagaEvent {
        public SagaResumed {
            rerun = List.copyOf(rerun);
        }

        public SagaResumed(String reason, List<String> rerun) {
            this(reason, rerun, null);
        }
    }

    /** Every step succeeded (and every TCC step was confirmed); {@code output} maps step names to outputs. */
    record SagaCompleted(JsonNode output) implements SagaEvent {
    }

    /** Every compensation and cancel succeeded. */
    record SagaCompensated() implements SagaEvent {
    }

    /** The saga cannot reach its end without an operator (retry or skip). */
    record SagaFailed(String step, String error) implements SagaEvent {
    }

    /**
     * A reply that changes nothing (duplicate, stale, late after a timeout, or for a saga that ended), kept
     * for the audit trail.
     */
    record ReplyIgnored(UUID messageId, String step, CommandKind kind, ReplyOutcome outcome, String reason)
            implements SagaEvent {
    }
}
