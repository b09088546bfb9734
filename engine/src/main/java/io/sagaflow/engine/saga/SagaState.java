package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.sagaflow.dsl.model.CommandKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A saga as its events made it: the fold of {@link #apply} over its log. Immutable; {@code seq} is the
 * sequence number of the last applied event (0 for a saga that has not started).
 *
 * @param steps           in flow order
 * @param completionOrder steps whose action finished with an effect (or an unknown one), in that order
 * @param compensations   steps to compensate, in order, once compensation started
 * @param messages        every command sent, by message id, with what became of it
 */
public record SagaState(
        UUID id,
        long seq,
        String flow,
        int flowVersion,
        SagaStatus status,
        JsonNode input,
        Map<String, StepState> steps,
        List<String> completionOrder,
        List<String> compensations,
        Map<UUID, SentCommand> messages,
        Optional<JsonNode> output,
        Optional<String> error) {

    public SagaState {
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        completionOrder = List.copyOf(completionOrder);
        compensations = List.copyOf(compensations);
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

    /** One step's progress. {@code inFlight} is the message awaiting a reply, if any. */
    public record StepState(String name, StepStatus status, int attempts, int compensationAttempts,
                            Optional<UUID> inFlight, Optional<JsonNode> output, Optional<String> error,
                            boolean outcomeUnknown) {

        static StepState pending(String name) {
            return new StepState(name, StepStatus.PENDING, 0, 0, Optional.empty(), Optional.empty(),
                    Optional.empty(), false);
        }

        int attemptsOf(CommandKind kind) {
            return kind == CommandKind.ACTION ? attempts : compensationAttempts;
        }

        StepState with(StepStatus newStatus) {
            return new StepState(name, newStatus, attempts, compensationAttempts, inFlight, output, error,
                    outcomeUnknown);
        }

        StepState sent(CommandKind kind, int attempt, UUID messageId) {
            StepStatus newStatus = kind == CommandKind.ACTION ? StepStatus.RUNNING : StepStatus.COMPENSATING;
            return new StepState(name, newStatus, kind == CommandKind.ACTION ? attempt : attempts,
                    kind == CommandKind.COMPENSATION ? attempt : compensationAttempts, Optional.of(messageId),
                    output, error, outcomeUnknown);
        }

        StepState settled(StepStatus newStatus, Optional<JsonNode> newOutput, Optional<String> newError,
                          boolean unknown) {
            return new StepState(name, newStatus, attempts, compensationAttempts, Optional.empty(), newOutput,
                    newError, unknown);
        }
    }

    /** A command the saga sent, and what became of it. */
    public record SentCommand(String step, CommandKind kind, int attempt, Fate fate) {
        SentCommand with(Fate newFate) {
            return new SentCommand(step, kind, attempt, newFate);
        }
    }

    /** What became of a sent command. */
    public enum Fate { AWAITING, ANSWERED, TIMED_OUT }

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
            b.updateStep(e.step(), s -> s.sent(e.kind(), e.attempt(), e.messageId()));
            b.messages.put(e.messageId(), new SentCommand(e.step(), e.kind(), e.attempt(), Fate.AWAITING));
        } else if (event instanceof SagaEvent.StepAttemptFailed e) {
            b.settleInFlight(e.step(), e.timedOut() ? Fate.TIMED_OUT : Fate.ANSWERED);
            b.updateStep(e.step(), s -> s.settled(s.status(), s.output(), Optional.of(e.reason()), s.outcomeUnknown()));
        } else if (event instanceof SagaEvent.StepSucceeded e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.updateStep(e.step(), s -> s.settled(StepStatus.SUCCEEDED, Optional.ofNullable(e.output()),
                    Optional.empty(), false));
            b.completionOrder.add(e.step());
        } else if (event instanceof SagaEvent.StepFailed e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.updateStep(e.step(), s -> s.settled(StepStatus.FAILED, s.output(), Optional.of(e.error()),
                    e.outcomeUnknown()));
            if (e.outcomeUnknown()) {
                b.completionOrder.add(e.step());
            }
        } else if (event instanceof SagaEvent.CompensationStarted e) {
            b.status = SagaStatus.COMPENSATING;
            b.compensations = new ArrayList<>(e.steps());
            b.error = Optional.of(e.reason());
        } else if (event instanceof SagaEvent.StepCompensated e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.updateStep(e.step(), s -> s.settled(StepStatus.COMPENSATED, s.output(), Optional.empty(),
                    s.outcomeUnknown()));
        } else if (event instanceof SagaEvent.SagaCompleted e) {
            b.status = SagaStatus.COMPLETED;
            b.output = Optional.ofNullable(e.output());
        } else if (event instanceof SagaEvent.SagaCompensated) {
            b.status = SagaStatus.COMPENSATED;
        } else if (event instanceof SagaEvent.SagaFailed e) {
            b.settleInFlight(e.step(), Fate.ANSWERED);
            b.updateStep(e.step(), s -> s.settled(StepStatus.FAILED, s.output(), Optional.of(e.error()),
                    s.outcomeUnknown()));
            b.status = SagaStatus.FAILED;
            b.error = Optional.of(e.error());
        }
        // ReplyIgnored changes nothing but the sequence number.
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
        final List<String> completionOrder;
        List<String> compensations;
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
            completionOrder = new ArrayList<>(s.completionOrder);
            compensations = s.compensations;
            messages = new LinkedHashMap<>(s.messages);
            output = s.output;
            error = s.error;
        }

        void updateStep(String name, java.util.function.UnaryOperator<StepState> change) {
            StepState current = steps.get(name);
            if (current != null) {
                steps.put(name, change.apply(current));
            }
        }

        void settleInFlight(String stepName, Fate fate) {
            StepState step = steps.get(stepName);
            if (step != null && step.inFlight().isPresent()) {
                messages.computeIfPresent(step.inFlight().get(), (id, sent) -> sent.with(fate));
            }
        }

        SagaState build() {
            return new SagaState(from.id, from.seq + 1, flow, flowVersion, status, input, steps, completionOrder,
                    compensations, messages, output, error);
        }
    }
}
