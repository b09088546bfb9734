package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.dsl.model.Durations;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.Participant;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Stage;
import io.sagaflow.dsl.model.Step;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.StepIdempotencyKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The saga rules, as a pure function: {@code decide(flow, state, input)} gives the events, commands and timers
 * that input causes. No I/O, no clock, no randomness: message ids and jitter derive from the saga id, the step,
 * the run and the attempt, so a decision is reproducible. Late, duplicate and stale inputs are answered with a
 * rejection, never an exception.
 *
 * <p>The rules (SPEC §3.1): stages run in order, the branches of a parallel group at once. A step fails on a
 * business failure, when its attempts are spent, or on its last timeout. Then every step that succeeded or whose
 * outcome is unknown is undone (compensation, or cancel for TCC), stage by stage in reverse order, the steps of a
 * stage at once. When every stage succeeded, TCC steps are confirmed. A compensation, cancel or confirm that is
 * refused or runs out of attempts leaves the saga FAILED for an operator (retry, skip).
 */
public final class SagaDecider {

    private SagaDecider() {
    }

    /**
     * @param flow  the flow version the saga runs on (for a start: the version it will run on)
     * @param state the saga as its events made it ({@link SagaState#empty} for a start)
     */
    public static SagaDecision decide(SagaFlow flow, SagaState state, SagaInput input) {
        Session s = new Session(flow, state, input.now());
        if (input instanceof SagaInput.Start start) {
            s.start(start);
        } else if (state.isNew()) {
            return SagaDecision.rejected("unknown saga " + state.id());
        } else if (input instanceof SagaInput.Reply reply) {
            s.reply(reply);
        } else if (input instanceof SagaInput.TimerFired timer) {
            s.timer(timer.timer());
        } else if (input instanceof SagaInput.Abort abort) {
            s.abort(abort.reason(), abort.by());
        } else if (input instanceof SagaInput.Retry retry) {
            s.retry(retry.reason(), retry.by());
        } else if (input instanceof SagaInput.Skip skip) {
            s.skip(skip.step(), skip.reason(), skip.by());
        }
        return s.decision();
    }

    /** The message id of one attempt: unique per attempt, reproducible from the saga's data. */
    public static UUID messageId(UUID sagaId, String step, CommandKind kind, int run, int attempt) {
        String seed = sagaId + ":" + step + ":" + kind.wire() + ":" + run + ":" + attempt;
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The Idempotency-Key of a step's command kind (SPEC §5): the same on every attempt of a run;
     * {@code :n} is appended for an operator's run n >= 2 so the participant's barrier does not replay the old
     * outcome.
     */
    public static String idempotencyKey(UUID sagaId, String step, CommandKind kind, int run) {
        return StepIdempotencyKey.of(sagaId.toString(), step, kind, run);
    }

    /** Builds one decision, applying each event as it is emitted so later rules see its effect. */
    private static final class Session {
        final SagaFlow flow;
        final Instant now;
        SagaState state;
        final List<SagaEvent> events = new ArrayList<>();
        final List<SagaDecision.Command> commands = new ArrayList<>();
        final List<SagaDecision.Timer> timers = new ArrayList<>();
        final List<TimerKey> cancelled = new ArrayList<>();
        Optional<String> rejection = Optional.empty();

        Session(SagaFlow flow, SagaState state, Instant now) {
            this.flow = flow;
            this.state = state;
            this.now = now;
        }

        SagaDecision decision() {
            return new SagaDecision(events, commands, timers, cancelled, rejection);
        }

        void emit(SagaEvent event) {
            events.add(event);
            state = state.apply(event);
        }

        void reject(String reason) {
            rejection = Optional.of(reason);
        }

        SagaState.StepState stateOf(Step step) {
            return state.step(step.name());
        }

        // ---- inputs ------------------------------------------------------------------------------------

        void start(SagaInput.Start start) {
            if (!state.isNew()) {
                reject("saga " + state.id() + " has already started");
                return;
            }
            emit(new SagaEvent.SagaStarted(flow.id().name(), flow.id().version(), start.input(),
                    flow.steps().stream().map(Step::name).toList()));
            startStage(0);
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
            } else if (sent.fate() == SagaState.Fate.ABANDONED) {
                reason = "late reply: the saga turned back while attempt " + sent.attempt() + " was in flight";
            } else if (!reply.step().equals(sent.step()) || reply.kind() != sent.kind()) {
                reason = "reply names step " + reply.step() + "/" + reply.kind().wire() + " but message "
                        + reply.messageId() + " was sent for " + sent.step() + "/" + sent.kind().wire();
            }
            if (reason != null) {
                reject(reason);
                emit(new SagaEvent.ReplyIgnored(reply.messageId(), reply.step(), reply.kind(), reply.outcome(),
                        reason));
                return;
            }
            Step step = flow.step(sent.step()).orElseThrow();
            cancelled.add(new TimerKey(TimerKey.Type.TIMEOUT, step.name(), sent.kind(), sent.run(), sent.attempt()));
            // A RESEND timer of a deferred attempt is not cancelled here (a reply while deferred is rare: a redelivered
            // command): when it fires, it finds the attempt settled and changes nothing.
            switch (reply.outcome()) {
                case SUCCESS -> succeeded(step, sent.kind(), reply.body());
                // A refused compensation, cancel or confirm cannot succeed by retrying: an operator decides.
                case FAILURE -> failed(step, sent.kind(), describe(reply.body()), false);
                case RETRY -> attemptFailed(step, sent.kind(), sent.attempt(), describe(reply.body()), false);
                case DEFERRED -> deferred(step, sent, reply);
            }
        }

        /**
         * The connector did not send the command (the participant's protection held it back): the attempt is not
         * spent. Its timeout is cancelled (above) and the same attempt is sent again when the protection allows.
         */
        void deferred(Step step, SagaState.SentCommand sent, SagaInput.Reply reply) {
            Duration wait = reply.retryAfter().isNegative() ? Duration.ZERO : reply.retryAfter();
            Instant resendAt = now.plus(wait);
            emit(new SagaEvent.StepAttemptDeferred(step.name(), sent.kind(), sent.attempt(), reply.messageId(), resendAt,
                    describe(reply.body())));
            timers.add(new SagaDecision.Timer(new TimerKey(TimerKey.Type.RESEND, step.name(), sent.kind(), sent.run(),
                    sent.attempt()), resendAt));
        }

        void timer(TimerKey key) {
            Optional<Step> found = flow.step(key.step());
            if (found.isEmpty()) {
                reject("timer " + key + " names no step of " + flow.id());
                return;
            }
            Step step = found.get();
            SagaState.StepState current = stateOf(step);
            if (key.type() == TimerKey.Type.TIMEOUT) {
                UUID id = messageId(state.id(), step.name(), key.kind(), key.run(), key.attempt());
                SagaState.SentCommand sent = state.messages().get(id);
                if (sent == null || sent.fate() != SagaState.Fate.AWAITING) {
                    reject("timeout " + key + " fired after its attempt was settled");
                    return;
                }
                attemptFailed(step, key.kind(), key.attempt(), "no reply within " + Durations.format(step.timeout()), true);
                return;
            }
            if (key.type() == TimerKey.Type.RESEND) {
                UUID id = messageId(state.id(), step.name(), key.kind(), key.run(), key.attempt());
                SagaState.SentCommand sent = state.messages().get(id);
                boolean stillDeferred = sent != null && sent.fate() == SagaState.Fate.AWAITING
                        && current.inFlight().equals(Optional.of(id)) && phaseAllows(key.kind());
                if (!stillDeferred) {
                    reject("resend " + key + " is stale: its attempt was settled or abandoned");
                    return;
                }
                startAttempt(step, key.kind(), key.attempt());   // the same message id: it was never sent
                return;
            }
            boolean awaitingThisRetry = current.inFlight().isEmpty()
                    && current.pendingRetry().equals(Optional.of(key.kind()))
                    && current.runOf(key.kind()) == key.run()
                    && current.attemptsOf(key.kind()) == key.attempt() - 1
                    && phaseAllows(key.kind());
            if (!awaitingThisRetry) {
                reject("retry " + key + " is stale");
                return;
            }
            startAttempt(step, key.kind(), key.attempt());
        }

        /** Forward commands only while running forward; undo commands while turning back; confirms while confirming. */
        boolean phaseAllows(CommandKind kind) {
            if (kind.forward()) {
                return state.status() == SagaStatus.RUNNING && !state.confirming();
            }
            if (kind == CommandKind.CONFIRM) {
                return state.confirming() && state.status() != SagaStatus.COMPLETED;
            }
            return state.turnedBack() && state.status() != SagaStatus.COMPENSATED;
        }

        void abort(String reason, String by) {
            if (state.status() != SagaStatus.RUNNING || state.confirming()) {
                reject("only a RUNNING saga that is not confirming can be aborted; this one is "
                        + (state.confirming() ? "confirming" : state.status()));
                return;
            }
            emit(new SagaEvent.AbortRequested(reason, by));
            int stage = currentStageIndex();
            beginCompensation("aborted by an operator: " + reason, stage);
        }

        void retry(String reason, String by) {
            if (state.status() != SagaStatus.FAILED) {
                reject("only a FAILED saga can be retried; this one is " + state.status());
                return;
            }
            java.util.Map<String, CommandKind> failed = new java.util.LinkedHashMap<>();
            state.steps().values().forEach(s -> s.settlementFailure().ifPresent(kind -> failed.put(s.name(), kind)));
            emit(new SagaEvent.SagaResumed("retried by an operator: " + reason, List.copyOf(failed.keySet()), by));
            failed.forEach((name, kind) -> startAttempt(flow.step(name).orElseThrow(), kind, 1));
            continueSettling();
        }

        void skip(String stepName, String reason, String by) {
            if (state.status() != SagaStatus.FAILED) {
                reject("steps can be skipped only in a FAILED saga; this one is " + state.status());
                return;
            }
            SagaState.StepState step = state.step(stepName);
            if (step == null || step.settlementFailure().isEmpty()) {
                reject("step " + stepName + " has no failed compensation, cancel or confirm to skip; failed: "
                        + settlementFailures());
                return;
            }
            emit(new SagaEvent.StepSkipped(stepName, reason, by));
            if (settlementFailures().isEmpty()) {
                emit(new SagaEvent.SagaResumed("step " + stepName + " skipped by an operator: " + reason, List.of(), by));
                continueSettling();
            }
        }

        List<String> settlementFailures() {
            return state.steps().values().stream().filter(s -> s.settlementFailure().isPresent())
                    .map(SagaState.StepState::name).toList();
        }

        // ---- outcomes ----------------------------------------------------------------------------------

        void succeeded(Step step, CommandKind kind, JsonNode body) {
            switch (kind) {
                case ACTION, TRY -> {
                    emit(new SagaEvent.StepSucceeded(step.name(), body == null ? NullNode.getInstance() : body));
                    advance();
                }
                case COMPENSATION -> {
                    emit(new SagaEvent.StepCompensated(step.name()));
                    continueSettling();
                }
                case CANCEL -> {
                    emit(new SagaEvent.StepCancelled(step.name()));
                    continueSettling();
                }
                case CONFIRM -> {
                    emit(new SagaEvent.StepConfirmed(step.name()));
                    continueSettling();
                }
            }
        }

        /** A business failure ({@code unknown} false) or spent attempts ({@code unknown} true). */
        void failed(Step step, CommandKind kind, String error, boolean unknown) {
            if (kind.forward()) {
                emit(new SagaEvent.StepFailed(step.name(), error, unknown));
                beginCompensation("step " + step.name() + " failed: " + error, flow.stageIndexOf(step.name()));
                return;
            }
            String what = kind.wire() + " of step " + step.name();
            emit(new SagaEvent.SettlementFailed(step.name(), kind, what + " failed: " + error));
            if (state.status() != SagaStatus.FAILED) {
                emit(new SagaEvent.SagaFailed(step.name(), what + " failed: " + error));
            }
        }

        void attemptFailed(Step step, CommandKind kind, int attempt, String reason, boolean timedOut) {
            if (attempt < step.retry().maxAttempts()) {
                int run = stateOf(step).runOf(kind);
                Duration delay = step.retry().delayBefore(attempt + 1, jitterUnit(step.name(), kind, run, attempt + 1));
                Instant retryAt = now.plus(delay);
                emit(new SagaEvent.StepAttemptFailed(step.name(), kind, attempt, reason, timedOut, Optional.of(retryAt)));
                timers.add(new SagaDecision.Timer(new TimerKey(TimerKey.Type.RETRY, step.name(), kind, run, attempt + 1),
                        retryAt));
                return;
            }
            emit(new SagaEvent.StepAttemptFailed(step.name(), kind, attempt, reason, timedOut, Optional.empty()));
            failed(step, kind, "attempts spent (" + attempt + "), last: " + reason, true);
        }

        // ---- moving forward ----------------------------------------------------------------------------

        /** Index of the first stage not wholly succeeded (stages.size() when all did). */
        int currentStageIndex() {
            List<Stage> stages = flow.stages();
            for (int i = 0; i < stages.size(); i++) {
                if (!stages.get(i).steps().stream().allMatch(s -> stateOf(s).status() == StepStatus.SUCCEEDED)) {
                    return i;
                }
            }
            return stages.size();
        }

        void advance() {
            int current = currentStageIndex();
            if (current < flow.stages().size()) {
                boolean started = flow.stages().get(current).steps().stream()
                        .anyMatch(s -> stateOf(s).status() != StepStatus.PENDING);
                if (!started) {
                    startStage(current);
                }
                return;
            }
            List<String> tcc = flow.steps().stream().filter(Step::isTcc).map(Step::name).toList();
            if (tcc.isEmpty()) {
                complete();
                return;
            }
            emit(new SagaEvent.ConfirmationStarted(tcc));
            for (String name : tcc) {
                startAttempt(flow.step(name).orElseThrow(), CommandKind.CONFIRM, 1);
            }
        }

        void startStage(int index) {
            for (Step step : flow.stages().get(index).steps()) {
                if (state.status() != SagaStatus.RUNNING) {
                    return;   // a branch whose input could not be computed already turned the saga back
                }
                startAttempt(step, step.forwardKind(), 1);
            }
        }

        void complete() {
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            state.steps().values().forEach(s -> output.set(s.name(), s.output().orElse(NullNode.getInstance())));
            emit(new SagaEvent.SagaCompleted(output));
        }

        // ---- turning back ------------------------------------------------------------------------------

        void beginCompensation(String reason, int failingStage) {
            List<String> abandoned = new ArrayList<>();
            List<List<String>> groups = new ArrayList<>();
            for (int i = Math.min(failingStage, flow.stages().size() - 1); i >= 0; i--) {
                List<String> group = new ArrayList<>();
                for (Step step : flow.stages().get(i).steps()) {
                    SagaState.StepState s = stateOf(step);
                    boolean running = s.status() == StepStatus.RUNNING;
                    if (running) {
                        abandoned.add(step.name());
                    }
                    boolean mayHaveActed = s.status() == StepStatus.SUCCEEDED || running
                            || s.status() == StepStatus.FAILED && s.outcomeUnknown();
                    // A step without an undo command is a pivot: it is never undone.
                    if (mayHaveActed && step.undoKind().isPresent()) {
                        group.add(step.name());
                    }
                }
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
            for (String name : abandoned) {
                SagaState.StepState s = state.step(name);
                Step step = flow.step(name).orElseThrow();
                CommandKind kind = step.forwardKind();
                cancelled.add(new TimerKey(TimerKey.Type.TIMEOUT, name, kind, s.runOf(kind), s.attemptsOf(kind)));
                cancelled.add(new TimerKey(TimerKey.Type.RETRY, name, kind, s.runOf(kind), s.attemptsOf(kind) + 1));
                cancelled.add(new TimerKey(TimerKey.Type.RESEND, name, kind, s.runOf(kind), s.attemptsOf(kind)));
            }
            emit(new SagaEvent.CompensationStarted(reason, groups, abandoned));
            continueSettling();
        }

        /**
         * Drives whatever settles the saga now: the current group of compensations/cancels, or the confirms.
         * Starts the steps of the current group that are not started yet; ends the saga when all are done.
         */
        void continueSettling() {
            if (state.status() == SagaStatus.FAILED) {
                return;   // an operator decides; replies of steps still in flight are recorded meanwhile
            }
            if (state.turnedBack()) {
                for (List<String> group : state.compensations()) {
                    List<String> open = group.stream().filter(n -> !state.step(n).undone()).toList();
                    if (open.isEmpty()) {
                        continue;
                    }
                    for (String name : open) {
                        SagaState.StepState s = state.step(name);
                        boolean busy = s.inFlight().isPresent() || s.pendingRetry().isPresent()
                                || s.status() == StepStatus.COMPENSATING;
                        if (!busy) {
                            Step step = flow.step(name).orElseThrow();
                            startAttempt(step, step.undoKind().orElseThrow(), 1);
                        }
                    }
                    return;
                }
                emit(new SagaEvent.SagaCompensated());
                return;
            }
            if (state.confirming()) {
                boolean allSettled = state.confirmations().stream().map(state::step)
                        .allMatch(s -> s.status() == StepStatus.CONFIRMED || s.status() == StepStatus.SKIPPED);
                if (allSettled) {
                    complete();
                }
            }
        }

        // ---- sending -----------------------------------------------------------------------------------

        void startAttempt(Step step, CommandKind kind, int attempt) {
            JsonNode input;
            try {
                input = step.input().map(t -> t.render(scope())).orElse(state.input());
            } catch (RuntimeException e) {
                failed(step, kind, "input of step " + step.name() + " could not be computed: " + e.getMessage(), false);
                return;
            }
            int run = stateOf(step).runOf(kind);
            UUID messageId = messageId(state.id(), step.name(), kind, run, attempt);
            Instant timeoutAt = now.plus(step.timeout());
            emit(new SagaEvent.StepAttemptStarted(step.name(), kind, run, attempt, messageId, timeoutAt));
            Participant participant = flow.participantOf(step);
            Duration requestTimeout = participant instanceof HttpParticipant http
                    ? http.timeout().orElse(step.timeout())
                    : step.timeout();
            commands.add(new SagaDecision.Command(messageId, step.name(), kind, step.command(kind).orElseThrow(),
                    participant.name(), input, idempotencyKey(state.id(), step.name(), kind, run), attempt,
                    requestTimeout.toMillis()));
            timers.add(new SagaDecision.Timer(new TimerKey(TimerKey.Type.TIMEOUT, step.name(), kind, run, attempt),
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
        double jitterUnit(String step, CommandKind kind, int run, int attempt) {
            long bits = messageId(state.id(), step, kind, run, attempt).getLeastSignificantBits();
            return (bits >>> 11) * 0x1.0p-53;
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
