package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.sagaflow.wire.CommandKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
     * The state after {@code event}. Never throws: a stored event must always replay, whatever the code
     * that wrote it decided.
     */
    public SagaState apply(SagaEvent event) {
        Builder b = new Builder(this);
        if (event instanceof SagaEvent.SagaStarted e) {
            b.flow = e.flow();
            b.flowVersion = e.flowVersion();
            b.input = e.input();
            b.status = SagaStatus.RUNNING;
            b.steps.clear();
            e.steps().forEach(name -> b.steps.put(name, StepState.pending(name)));
        } else if (event instanceof SagaEvent.StepAttemptStarted e) {
            b.step(e.step(), s -> {
                s.status = e.kind().forward() ? StepStatus.RUNNING
                        : e.kind() == CommandKind.CONFIRM ? s.status : StepStatus.COMPENSATING;
                s.attempts.put(e.kind(), e.attempt());
                s.runs.put(e.kind(), e.run());
                s.inFlight = Optional.of(e.messageId());
                s.pendingRetry = Optional.empty();
            });
            b.messages.put(e.messageId(), new SentCommand(e.step(), e.kind(), e.run(), e.attempt(), Fate.AWAITING));
        } else if (event instanceof SagaEvent.StepAttemptFailed e) {
            b.settleInFlight(e.step(), e.timedOut() ? Fate.TIMED_OUT : Fate.ANSWERED);
            b.step(e.step(), s -> {
                s.error = Optional.of(e.reason());
                s.pendingRetry = e.retryAt().map(at -> e.kind());
            });
        } else if (event instanceof SagaEvent.StepSucceeded e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.step(e.step(), s -> {
                s.status = StepStatus.SUCCEEDED;
                s.output = Optional.ofNullable(e.output());
                s.error = Optional.empty();
            });
        } else if (event instanceof SagaEvent.StepFailed e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.step(e.step(), s -> {
                s.status = StepStatus.FAILED;
                s.error = Optional.of(e.error());
                s.outcomeUnknown = e.outcomeUnknown();
                s.pendingRetry = Optional.empty();
            });
        } else if (event instanceof SagaEvent.CompensationStarted e) {
            b.status = SagaStatus.COMPENSATING;
            b.compensations = e.groups();
            b.error = Optional.of(e.reason());
            for (String name : e.abandoned()) {
                boolean willBeUndone = e.groups().stream().anyMatch(g -> g.contains(name));
                b.settleInFlight(name, Fate.ABANDONED);
                b.step(name, s -> {
                    s.pendingRetry = Optional.empty();
                    s.outcomeUnknown = true;
                    if (!willBeUndone) {
                        s.status = StepStatus.FAILED;
                        s.error = Optional.of("abandoned: the saga turned back while this step ran");
                    }
                });
            }
        } else if (event instanceof SagaEvent.StepCompensated e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.step(e.step(), s -> s.status = StepStatus.COMPENSATED);
        } else if (event instanceof SagaEvent.StepCancelled e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.step(e.step(), s -> s.status = StepStatus.CANCELLED);
        } else if (event instanceof SagaEvent.ConfirmationStarted e) {
            b.confirmations = e.steps();
        } else if (event instanceof SagaEvent.StepConfirmed e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.step(e.step(), s -> s.status = StepStatus.CONFIRMED);
        } else if (event instanceof SagaEvent.SettlementFailed e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.step(e.step(), s -> {
                // A failed confirm leaves the step SUCCEEDED (its try holds); a failed undo marks it FAILED.
                if (e.kind() != CommandKind.CONFIRM) {
                    s.status = StepStatus.FAILED;
                }
                s.error = Optional.of(e.error());
                s.pendingRetry = Optional.empty();
                s.settlementFailure = Optional.of(e.kind());
            });
        } else if (event instanceof SagaEvent.StepSkipped e) {
            b.step(e.step(), s -> {
                s.status = StepStatus.SKIPPED;
                s.settlementFailure = Optional.empty();
            });
        } else if (event instanceof SagaEvent.SagaResumed e) {
            b.status = b.confirmations.isEmpty() ? SagaStatus.COMPENSATING : SagaStatus.RUNNING;
            for (String name : e.rerun()) {
                b.step(name, s -> {
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
        } else if (event instanceof SagaEvent.SagaCompleted e) {
            b.status = SagaStatus.COMPLETED;
            b.output = Optional.ofNullable(e.output());
            b.error = Optional.empty();
        } else if (event instanceof SagaEvent.SagaCompensated) {
            b.status = SagaStatus.COMPENSATED;
        } else if (event instanceof SagaEvent.SagaFailed e) {
            b.status = SagaStatus.FAILED;
            b.error = Optional.of(e.error());
        }
        // AbortRequested and ReplyIgnored change nothing but the sequence number.
        return b.build();
    }

    /** Folds {@code events} over the empty state. */
    public static SagaState replay(UUID id, Iterable<SagaEvent> events) {
        SagaState state = empty(id);
        for (SagaEvent event : events) {
            state = state.apply(event);
        }
        return state;
    }

    private static final class Builder {
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

        Builder(SagaState s) {
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

        void step(String name, java.util.function.Consumer<StepState.Builder> change) {
            StepState current = steps.get(name);
            if (current != null) {
                StepState.Builder sb = current.toBuilder();
                change.accept(sb);
                steps.put(name, sb.build());
            }
        }

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
