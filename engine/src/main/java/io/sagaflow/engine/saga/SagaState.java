package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.engine.saga.SagaEvent.CompensationStarted;
import io.sagaflow.engine.saga.SagaEvent.ConfirmationStarted;
import io.sagaflow.engine.saga.SagaEvent.SagaCompensated;
import io.sagaflow.engine.saga.SagaEvent.SagaCompleted;
import io.sagaflow.engine.saga.SagaEvent.SagaFailed;
import io.sagaflow.engine.saga.SagaEvent.SagaResumed;
import io.sagaflow.engine.saga.SagaEvent.SagaStarted;
import io.sagaflow.engine.saga.SagaEvent.SettlementFailed;
import io.sagaflow.engine.saga.SagaEvent.StepAttemptFailed;
import io.sagaflow.engine.saga.SagaEvent.StepAttemptStarted;
import io.sagaflow.engine.saga.SagaEvent.StepCancelled;
import io.sagaflow.engine.saga.SagaEvent.StepCompensated;
import io.sagaflow.engine.saga.SagaEvent.StepConfirmed;
import io.sagaflow.engine.saga.SagaEvent.StepFailed;
import io.sagaflow.engine.saga.SagaEvent.StepSkipped;
import io.sagaflow.engine.saga.SagaEvent.StepSucceeded;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A saga as its events made it: the fold of {@link #apply} over its log. Immutable; {@code seq} is the
 * sequence number of the last applied event (0 for a saga that has not started).
 *
 * @param steps         in flow order
 * @param compensations once the saga turned back: the groups of steps to undo, in order
 * @param confirmations once every step succeeded: the TCC steps being confirmed
 * @param messages      every command sent, by message id, with what became of it
 */
public record SagaState(
        UUID id,
        long seq,
        String flow,
        int flowVersion,
        SagaStatus status,
        JsonNode input,
        Map<String, StepState> steps,
        List<List<String>> compensations,
        List<String> confirmations,
        Map<UUID, SentCommand> messages,
        Optional<JsonNode> output,
        Optional<String> error) {

    public SagaState {
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        compensations = compensations.stream().map(List::copyOf).toList();
        confirmations = List.copyOf(confirmations);
        messages = Collections.unmodifiableMap(new LinkedHashMap<>(messages));
    }

    /** The state before the first event. */
    public static SagaState empty(UUID id) {
        return new SagaState(id, 0, "", 0, SagaStatus.RUNNING, NullNode.getInstance(), Map.of(), List.of(),
                List.of(), Map.of(), Optional.empty(), Optional.empty());
    }

    public boolean isNew() {
        return seq == 0;
    }

    public StepState step(String name) {
        return steps.get(name);
    }

    /** True once the saga turned back (even if it is FAILED now). */
    public boolean turnedBack() {
        return !compensations.isEmpty() || status == SagaStatus.COMPENSATING || status == SagaStatus.COMPENSATED;
    }

    /** True once the confirm phase began. */
    public boolean confirming() {
        return !confirmations.isEmpty();
    }

    /**
     * One step's progress. {@code inFlight} is the message awaiting a reply; {@code pendingRetry} the kind whose
     * next attempt waits on a timer; {@code settlementFailure} the compensation, cancel or confirm that failed.
     */
    public record StepState(String name, StepStatus status, Map<CommandKind, Integer> attemptsByKind,
                            Map<CommandKind, Integer> runsByKind, Optional<UUID> inFlight,
                            Optional<CommandKind> pendingRetry, Optional<JsonNode> output, Optional<String> error,
                            boolean outcomeUnknown, Optional<CommandKind> settlementFailure) {

        public StepState {
            attemptsByKind = Collections.unmodifiableMap(copy(attemptsByKind));
            runsByKind = Collections.unmodifiableMap(copy(runsByKind));
        }

        private static Map<CommandKind, Integer> copy(Map<CommandKind, Integer> m) {
            return m.isEmpty() ? new EnumMap<>(CommandKind.class) : new EnumMap<>(m);
        }

        static StepState pending(String name) {
            return new StepState(name, StepStatus.PENDING, Map.of(), Map.of(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, Optional.empty());
        }

        /** Attempts of the current run of {@code kind}. */
        public int attemptsOf(CommandKind kind) {
            return attemptsByKind.getOrDefault(kind, 0);
        }

        /** The run of {@code kind}: 1, then 2, 3 ... after operator retries. */
        public int runOf(CommandKind kind) {
            return runsByKind.getOrDefault(kind, 1);
        }

        /** Attempts of the forward command (action or try). */
        public int attempts() {
            return Math.max(attemptsOf(CommandKind.ACTION), attemptsOf(CommandKind.TRY));
        }

        public boolean undone() {
            return status == StepStatus.COMPENSATED || status == StepStatus.CANCELLED || status == StepStatus.SKIPPED;
        }

        Builder toBuilder() {
            return new Builder(this);
        }

        static final class Builder {
            String name;
            StepStatus status;
            EnumMap<CommandKind, Integer> attempts;
            EnumMap<CommandKind, Integer> runs;
            Optional<UUID> inFlight;
            Optional<CommandKind> pendingRetry;
            Optional<JsonNode> output;
            Optional<String> error;
            boolean outcomeUnknown;
            Optional<CommandKind> settlementFailure;

            Builder(StepState s) {
                name = s.name;
                status = s.status;
                attempts = new EnumMap<>(CommandKind.class);
                attempts.putAll(s.attemptsByKind);
                runs = new EnumMap<>(CommandKind.class);
                runs.putAll(s.runsByKind);
                inFlight = s.inFlight;
                pendingRetry = s.pendingRetry;
                output = s.output;
                error = s.error;
                outcomeUnknown = s.outcomeUnknown;
                settlementFailure = s.settlementFailure;
            }

            StepState build() {
                return new StepState(name, status, attempts, runs, inFlight, pendingRetry, output, error,
                        outcomeUnknown, settlementFailure);
            }
        }
    }

    /** A command the saga sent, and what became of it. */
    public record SentCommand(String step, CommandKind kind, int run, int attempt, Fate fate) {
        SentCommand with(Fate newFate) {
            return new SentCommand(step, kind, run, attempt, newFate);
        }
    }

    /** What became of a sent command. */
    public enum Fate {
        AWAITING, ANSWERED, TIMED_OUT,
        /** The saga turned back while it was in flight; its reply no longer matters. */
        ABANDONED
    }

    /**
     * The state after {@code event}: one small rule per event type, in {@link Fold}.
     *
     * <p>Never throws, whatever the event says: the log is the saga, and an event that its writer (perhaps an
     * older version of this code) decided is a fact to be folded, not an input to validate. An exception here
     * would make the saga impossible to load, so no operator could ever see, retry or skip it. An event that
     * names a step the saga does not have, settles a step with nothing in flight, or comes in an order the
     * rules of today would not produce, changes what it can and leaves the rest as it was. Rules belong in
     * {@link SagaDecider}, which rejects inputs before they become events.
     */
    public SagaState apply(SagaEvent event) {
        Fold f = new Fold(this);
        if (event instanceof SagaStarted e) {
            f.sagaStarted(e);
        } else if (event instanceof StepAttemptStarted e) {
            f.attemptStarted(e);
        } else if (event instanceof StepAttemptFailed e) {
            f.attemptFailed(e);
        } else if (event instanceof StepSucceeded e) {
            f.stepSucceeded(e);
        } else if (event instanceof StepFailed e) {
            f.stepFailed(e);
        } else if (event instanceof CompensationStarted e) {
            f.compensationStarted(e);
        } else if (event instanceof StepCompensated e) {
            f.settled(e.step(), StepStatus.COMPENSATED);
        } else if (event instanceof StepCancelled e) {
            f.settled(e.step(), StepStatus.CANCELLED);
        } else if (event instanceof ConfirmationStarted e) {
            f.confirmationStarted(e);
        } else if (event instanceof StepConfirmed e) {
            f.settled(e.step(), StepStatus.CONFIRMED);
        } else if (event instanceof SettlementFailed e) {
            f.settlementFailed(e);
        } else if (event instanceof StepSkipped e) {
            f.stepSkipped(e);
        } else if (event instanceof SagaResumed e) {
            f.sagaResumed(e);
        } else if (event instanceof SagaCompleted e) {
            f.sagaCompleted(e);
        } else if (event instanceof SagaCompensated) {
            f.sagaCompensated();
        } else if (event instanceof SagaFailed e) {
            f.sagaFailed(e);
        }
        // AbortRequested, ReplyIgnored and StepAttemptDeferred are history only: they change nothing but the sequence
        // number (a deferred attempt stays in flight, its message AWAITING, until it is sent again).
        return f.build();
    }

    /** Folds {@code events} over the empty state. */
    public static SagaState replay(UUID id, Iterable<SagaEvent> events) {
        SagaState state = empty(id);
        for (SagaEvent event : events) {
            state = state.apply(event);
        }
        return state;
    }

    /**
     * One event being folded: a mutable copy of the state, and one method per event type. A rule that names a
     * step the saga does not have changes nothing for that step (see {@link #step}).
     */
    private static final class Fold {
        final SagaState from;
        String flow;
        int flowVersion;
        SagaStatus status;
        JsonNode input;
        final LinkedHashMap<String, StepState> steps;
        List<List<String>> compensations;
        List<String> confirmations;
        final LinkedHashMap<UUID, SentCommand> messages;
        Optional<JsonNode> output;
        Optional<String> error;

        Fold(SagaState s) {
            from = s;
            flow = s.flow;
            flowVersion = s.flowVersion;
            status = s.status;
            input = s.input;
            steps = new LinkedHashMap<>(s.steps);
            compensations = s.compensations;
            confirmations = s.confirmations;
            messages = new LinkedHashMap<>(s.messages);
            output = s.output;
            error = s.error;
        }

        // ---- one rule per event ------------------------------------------------------------------------

        void sagaStarted(SagaStarted e) {
            flow = e.flow();
            flowVersion = e.flowVersion();
            input = e.input();
            status = SagaStatus.RUNNING;
            steps.clear();
            e.steps().forEach(name -> steps.put(name, StepState.pending(name)));
        }

        /** A forward command runs the step, an undo turns it back; a confirm leaves it SUCCEEDED (its try holds). */
        void attemptStarted(StepAttemptStarted e) {
            step(e.step(), s -> {
                if (e.kind().forward()) {
                    s.status = StepStatus.RUNNING;
                } else if (e.kind() != CommandKind.CONFIRM) {
                    s.status = StepStatus.COMPENSATING;
                }
                s.attempts.put(e.kind(), e.attempt());
                s.runs.put(e.kind(), e.run());
                s.inFlight = Optional.of(e.messageId());
                s.pendingRetry = Optional.empty();
            });
            messages.put(e.messageId(), new SentCommand(e.step(), e.kind(), e.run(), e.attempt(), Fate.AWAITING));
        }

        /** The step keeps its status: the next attempt waits on a timer ({@code retryAt}), or a failure follows. */
        void attemptFailed(StepAttemptFailed e) {
            settleInFlight(e.step(), e.timedOut() ? Fate.TIMED_OUT : Fate.ANSWERED);
            step(e.step(), s -> {
                s.error = Optional.ofNullable(e.reason());
                s.pendingRetry = e.retryAt().map(at -> e.kind());
            });
        }

        /** A success clears the error of the attempts that failed before it. */
        void stepSucceeded(StepSucceeded e) {
            settleInFlight(e.step(), Fate.ANSWERED);
            step(e.step(), s -> {
                s.status = StepStatus.SUCCEEDED;
                s.output = Optional.ofNullable(e.output());
                s.error = Optional.empty();
            });
        }

        void stepFailed(StepFailed e) {
            settleInFlight(e.step(), Fate.ANSWERED);
            step(e.step(), s -> {
                s.status = StepStatus.FAILED;
                s.error = Optional.ofNullable(e.error());
                s.outcomeUnknown = e.outcomeUnknown();
                s.pendingRetry = Optional.empty();
            });
        }

        /**
         * The saga turns back. A step still running is abandoned: its outcome is unknown and its late reply no longer
         * matters; one that will be undone keeps its status until its undo starts, one that cannot be undone (a pivot)
         * fails here, since nothing else will ever settle it.
         */
        void compensationStarted(CompensationStarted e) {
            status = SagaStatus.COMPENSATING;
            compensations = e.groups();
            error = Optional.ofNullable(e.reason());
            for (String name : e.abandoned()) {
                boolean willBeUndone = e.groups().stream().anyMatch(g -> g.contains(name));
                settleInFlight(name, Fate.ABANDONED);
                step(name, s -> {
                    s.pendingRetry = Optional.empty();
                    s.outcomeUnknown = true;
                    if (!willBeUndone) {
                        s.status = StepStatus.FAILED;
                        s.error = Optional.of("abandoned: the saga turned back while this step ran");
                    }
                });
            }
        }

        /** A compensation, cancel or confirm succeeded. */
        void settled(String stepName, StepStatus settledAs) {
            settleInFlight(stepName, Fate.ANSWERED);
            step(stepName, s -> s.status = settledAs);
        }

        void confirmationStarted(ConfirmationStarted e) {
            confirmations = e.steps();
        }

        /** A failed confirm leaves the step SUCCEEDED (its try holds); a failed undo marks it FAILED. */
        void settlementFailed(SettlementFailed e) {
            settleInFlight(e.step(), Fate.ANSWERED);
            step(e.step(), s -> {
                if (e.kind() != CommandKind.CONFIRM) {
                    s.status = StepStatus.FAILED;
                }
                s.error = Optional.ofNullable(e.error());
                s.pendingRetry = Optional.empty();
                s.settlementFailure = Optional.of(e.kind());
            });
        }

        void stepSkipped(StepSkipped e) {
            step(e.step(), s -> {
                s.status = StepStatus.SKIPPED;
                s.settlementFailure = Optional.empty();
            });
        }

        /**
         * The saga goes on in the phase it failed in. Each rerun step starts a new run of its failed command, from
         * attempt 1, so the new run's message ids and Idempotency-Key differ from the old ones.
         */
        void sagaResumed(SagaResumed e) {
            status = confirmations.isEmpty() ? SagaStatus.COMPENSATING : SagaStatus.RUNNING;
            for (String name : e.rerun()) {
                step(name, s -> {
                    s.settlementFailure.ifPresent(kind -> {
                        s.runs.merge(kind, 2, (old, two) -> old + 1);
                        s.attempts.put(kind, 0);
                        if (kind != CommandKind.CONFIRM) {
                            s.status = StepStatus.COMPENSATING;
                        }
                    });
                    s.settlementFailure = Optional.empty();
                });
            }
        }

        /** A completed saga has no error, also when it went through a failure and an operator's retry. */
        void sagaCompleted(SagaCompleted e) {
            status = SagaStatus.COMPLETED;
            output = Optional.ofNullable(e.output());
            error = Optional.empty();
        }

        /** The error that turned the saga back stays: it says why the saga was compensated. */
        void sagaCompensated() {
            status = SagaStatus.COMPENSATED;
        }

        void sagaFailed(SagaFailed e) {
            status = SagaStatus.FAILED;
            error = Optional.ofNullable(e.error());
        }

        // ---- helpers -----------------------------------------------------------------------------------

        /** Changes step {@code name}; nothing when the saga has no such step. */
        void step(String name, Consumer<StepState.Builder> change) {
            StepState current = steps.get(name);
            if (current != null) {
                StepState.Builder sb = current.toBuilder();
                change.accept(sb);
                steps.put(name, sb.build());
            }
        }

        /** The step's command in flight, if any, met its {@code fate}; the step awaits nothing any more. */
        void settleInFlight(String stepName, Fate fate) {
            StepState step = steps.get(stepName);
            if (step != null && step.inFlight().isPresent()) {
                messages.computeIfPresent(step.inFlight().get(), (id, sent) -> sent.with(fate));
                step(stepName, s -> s.inFlight = Optional.empty());
            }
        }

        SagaState build() {
            return new SagaState(from.id, from.seq + 1, flow, flowVersion, status, input, steps,
                    compensations, confirmations, messages, output, error);
        }
    }
}
