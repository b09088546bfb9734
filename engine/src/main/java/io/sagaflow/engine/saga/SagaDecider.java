package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.dsl.model.CommandKind;
import io.sagaflow.dsl.model.Durations;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.Participant;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Step;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The saga rules, as a pure function: {@code decide(flow, state, input)} gives the events, commands and timers
 * that input causes. No I/O, no clock, no randomness: message ids and jitter derive from the saga id, the step
 * and the attempt, so a decision is reproducible. Late, duplicate and stale inputs are answered with a
 * rejection, never an exception.
 */
public final class SagaDecider {

    private SagaDecider() {
    }

    /**
     * @param flow  the flow version the saga runs on (for a start: the version it will run on)
     * @param state the saga as its events made it ({@link SagaState#empty} for a start)
     */
    public static Decision decide(SagaFlow flow, SagaState state, SagaInput input) {
        Session s = new Session(flow, state, input.now());
        if (input instanceof SagaInput.Start start) {
            s.start(start);
        } else if (state.isNew()) {
            return Decision.rejected("unknown saga " + state.id());
        } else if (input instanceof SagaInput.Reply reply) {
            s.reply(reply);
        } else if (input instanceof SagaInput.TimerFired timer) {
            s.timer(timer.timer());
        }
        return s.decision();
    }

    /** The message id of one attempt: unique per attempt, reproducible from the saga's data. */
    public static UUID messageId(UUID sagaId, String step, CommandKind kind, int attempt) {
        String seed = sagaId + ":" + step + ":" + kind.wire() + ":" + attempt;
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    /** The Idempotency-Key of a step's command kind, the same on every attempt (SPEC §5). */
    public static String idempotencyKey(UUID sagaId, String step, CommandKind kind) {
        return sagaId + ":" + step + ":" + kind.wire();
    }

    /** Builds one decision, applying each event as it is emitted so later rules see its effect. */
    private static final class Session {
        final SagaFlow flow;
        final Instant now;
        SagaState state;
        final List<SagaEvent> events = new ArrayList<>();
        final List<Decision.Command> commands = new ArrayList<>();
        final List<Decision.Timer> timers = new ArrayList<>();
        final List<TimerKey> cancelled = new ArrayList<>();
        Optional<String> rejection = Optional.empty();

        Session(SagaFlow flow, SagaState state, Instant now) {
            this.flow = flow;
            this.state = state;
            this.now = now;
        }

        Decision decision() {
            return new Decision(events, commands, timers, cancelled, rejection);
        }

        void emit(SagaEvent event) {
            events.add(event);
            state = state.apply(event);
        }

        void start(SagaInput.Start start) {
            if (!state.isNew()) {
                rejection = Optional.of("saga " + state.id() + " has already started");
                return;
            }
            emit(new SagaEvent.SagaStarted(flow.id().name(), flow.id().version(), start.input(),
                    flow.steps().stream().map(Step::name).toList()));
            startAttempt(flow.steps().get(0), CommandKind.ACTION, 1);
        }

        void reply(SagaInput.Reply reply) {
            SagaState.SentCommand sent = state.messages().get(reply.messageId());
            String reason = null;
            if (sent == null) {
                reason = "no command of this saga has message id " + reply.messageId();
            } else if (sent.fate() == SagaState.Fate.ANSWERED) {
                reason = "duplicate reply: attempt " + sent.attempt() + " was already answered";
            } else if (sent.fate() == SagaState.Fate.TIMED_OUT) {
                reason = "late reply: attempt " + sent.attempt() + " had already timed out";
            } else if (!reply.step().equals(sent.step()) || reply.kind() != sent.kind()) {
                reason = "reply names step " + reply.step() + "/" + reply.kind().wire() + " but message "
                        + reply.messageId() + " was sent for " + sent.step() + "/" + sent.kind().wire();
            }
            if (reason != null) {
                rejection = Optional.of(reason);
                emit(new SagaEvent.ReplyIgnored(reply.messageId(), reply.step(), reply.kind(), reply.outcome(),
                        reason));
                return;
            }
            Step step = flow.step(sent.step()).orElseThrow();
            cancelled.add(new TimerKey(TimerKey.Type.TIMEOUT, step.name(), sent.kind(), sent.attempt()));
            if (sent.kind() == CommandKind.ACTION) {
                actionReplied(step, sent.attempt(), reply);
            } else {
                compensationReplied(step, sent.attempt(), reply);
            }
        }

        void actionReplied(Step step, int attempt, SagaInput.Reply reply) {
            switch (reply.outcome()) {
                case SUCCESS -> {
                    emit(new SagaEvent.StepSucceeded(step.name(), orNull(reply.body())));
                    advance();
                }
                case FAILURE -> {
                    emit(new SagaEvent.StepFailed(step.name(), describe(reply.body()), false));
                    beginCompensation("step " + step.name() + " failed: " + describe(reply.body()));
                }
                case RETRY -> attemptFailed(step, CommandKind.ACTION, attempt, describe(reply.body()), false);
            }
        }

        void compensationReplied(Step step, int attempt, SagaInput.Reply reply) {
            switch (reply.outcome()) {
                case SUCCESS -> {
                    emit(new SagaEvent.StepCompensated(step.name()));
                    nextCompensation();
                }
                // A compensation refused as a business failure cannot succeed by retrying: an operator decides.
                case FAILURE -> emit(new SagaEvent.SagaFailed(step.name(),
                        "compensation of step " + step.name() + " was refused: " + describe(reply.body())));
                case RETRY -> attemptFailed(step, CommandKind.COMPENSATION, attempt, describe(reply.body()), false);
            }
        }

        void timer(TimerKey key) {
            Optional<Step> found = flow.step(key.step());
            if (found.isEmpty() || state.status().terminal()) {
                rejection = Optional.of("timer " + key + " fired for a saga that no longer needs it");
                return;
            }
            Step step = found.get();
            SagaState.StepState current = state.step(step.name());
            if (key.type() == TimerKey.Type.TIMEOUT) {
                UUID id = messageId(state.id(), step.name(), key.kind(), key.attempt());
                SagaState.SentCommand sent = state.messages().get(id);
                if (sent == null || sent.fate() != SagaState.Fate.AWAITING) {
                    rejection = Optional.of("timeout of " + key + " fired after its reply");
                    return;
                }
                attemptFailed(step, key.kind(), key.attempt(),
                        "no reply within " + Durations.format(step.timeout()), true);
            } else {
                boolean awaitingThisRetry = current.inFlight().isEmpty()
                        && current.attemptsOf(key.kind()) == key.attempt() - 1
                        && expectedStatus(key.kind()) == current.status();
                if (!awaitingThisRetry) {
                    rejection = Optional.of("retry " + key + " is stale");
                    return;
                }
                startAttempt(step, key.kind(), key.attempt());
            }
        }

        StepStatus expectedStatus(CommandKind kind) {
            return kind == CommandKind.ACTION ? StepStatus.RUNNING : StepStatus.COMPENSATING;
        }

        void attemptFailed(Step step, CommandKind kind, int attempt, String reason, boolean timedOut) {
            if (attempt < step.retry().maxAttempts()) {
                Duration delay = step.retry().delayBefore(attempt + 1, jitterUnit(step.name(), kind, attempt + 1));
                Instant retryAt = now.plus(delay);
                emit(new SagaEvent.StepAttemptFailed(step.name(), kind, attempt, reason, timedOut,
                        Optional.of(retryAt)));
                timers.add(new Decision.Timer(new TimerKey(TimerKey.Type.RETRY, step.name(), kind, attempt + 1),
                        retryAt));
                return;
            }
            emit(new SagaEvent.StepAttemptFailed(step.name(), kind, attempt, reason, timedOut, Optional.empty()));
            String spent = "attempts spent (" + attempt + "), last: " + reason;
            if (kind == CommandKind.ACTION) {
                emit(new SagaEvent.StepFailed(step.name(), spent, true));
                beginCompensation("step " + step.name() + " failed: " + spent);
            } else {
                emit(new SagaEvent.SagaFailed(step.name(), "compensation of step " + step.name() + " failed: " + spent));
            }
        }

        void advance() {
            Optional<Step> next = flow.steps().stream()
                    .filter(s -> state.step(s.name()).status() == StepStatus.PENDING)
                    .findFirst();
            if (next.isPresent()) {
                startAttempt(next.get(), CommandKind.ACTION, 1);
                return;
            }
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            state.steps().values().forEach(s -> output.set(s.name(), s.output().orElse(NullNode.getInstance())));
            emit(new SagaEvent.SagaCompleted(output));
        }

        void beginCompensation(String reason) {
            List<String> order = new ArrayList<>();
            List<String> completed = state.completionOrder();
            for (int i = completed.size() - 1; i >= 0; i--) {
                String name = completed.get(i);
                // A step without compensation is a pivot: it is never undone.
                if (flow.step(name).flatMap(Step::compensation).isPresent()) {
                    order.add(name);
                }
            }
            emit(new SagaEvent.CompensationStarted(reason, order));
            nextCompensation();
        }

        void nextCompensation() {
            Optional<String> next = state.compensations().stream()
                    .filter(name -> state.step(name).status() != StepStatus.COMPENSATED)
                    .findFirst();
            if (next.isPresent()) {
                startAttempt(flow.step(next.get()).orElseThrow(), CommandKind.COMPENSATION, 1);
            } else {
                emit(new SagaEvent.SagaCompensated());
            }
        }

        void startAttempt(Step step, CommandKind kind, int attempt) {
            JsonNode input;
            try {
                input = step.input().map(t -> t.render(scope())).orElse(state.input());
            } catch (RuntimeException e) {
                String error = "input of step " + step.name() + " could not be computed: " + e.getMessage();
                if (kind == CommandKind.ACTION) {
                    emit(new SagaEvent.StepFailed(step.name(), error, false));
                    beginCompensation(error);
                } else {
                    emit(new SagaEvent.SagaFailed(step.name(), error));
                }
                return;
            }
            UUID messageId = messageId(state.id(), step.name(), kind, attempt);
            Instant timeoutAt = now.plus(step.timeout());
            emit(new SagaEvent.StepAttemptStarted(step.name(), kind, attempt, messageId, timeoutAt));
            Participant participant = flow.participantOf(step);
            Duration requestTimeout = participant instanceof HttpParticipant http
                    ? http.timeout().orElse(step.timeout())
                    : step.timeout();
            commands.add(new Decision.Command(messageId, step.name(), kind, step.command(kind).orElseThrow(),
                    participant.name(), input, idempotencyKey(state.id(), step.name(), kind), attempt,
                    requestTimeout.toMillis()));
            timers.add(new Decision.Timer(new TimerKey(TimerKey.Type.TIMEOUT, step.name(), kind, attempt),
                    timeoutAt));
        }

        /** {@code {input, steps: {<name>: {output}}}}: what input expressions see. */
        JsonNode scope() {
            ObjectNode scope = JsonNodeFactory.instance.objectNode();
            scope.set("input", state.input());
            ObjectNode steps = scope.putObject("steps");
            state.steps().values().forEach(s -> s.output().ifPresent(o -> steps.putObject(s.name()).set("output", o)));
            return scope;
        }

        /** A number in [0, 1) spread evenly over sagas and attempts, so jitter needs no random source. */
        double jitterUnit(String step, CommandKind kind, int attempt) {
            long bits = messageId(state.id(), step, kind, attempt).getLeastSignificantBits();
            return (bits >>> 11) * 0x1.0p-53;
        }

        static JsonNode orNull(JsonNode body) {
            return body == null ? NullNode.getInstance() : body;
        }

        /** A failure body {@code {code, message}} as one line, or the raw body. */
        static String describe(JsonNode body) {
            if (body == null || body.isNull() || body.isMissingNode()) {
                return "(no details)";
            }
            if (body.hasNonNull("message")) {
                return body.hasNonNull("code") ? body.get("code").asText() + ": " + body.get("message").asText()
                        : body.get("message").asText();
            }
            return body.isTextual() ? body.asText() : body.toString();
        }
    }
}
