package io.sagaflow.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Given/when/then support for the pure core: feeds inputs to {@link SagaDecider} and folds the events. */
final class SagaScenario {

    static final ObjectMapper JSON = new ObjectMapper();

    final SagaFlow flow;
    final UUID sagaId = UUID.fromString("00000000-0000-0000-0000-000000000001");
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    SagaState state = SagaState.empty(sagaId);
    SagaDecision last;
    final List<SagaEvent> log = new ArrayList<>();
    final List<SagaDecision.Command> sent = new ArrayList<>();

    private SagaScenario(SagaFlow flow) {
        this.flow = flow;
    }

    static SagaScenario given(SagaFlow flow) {
        return new SagaScenario(flow);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    SagaScenario started(String input) {
        return feed(new SagaInput.Start(sagaId, json(input), now));
    }

    SagaScenario after(Duration d) {
        now = now.plus(d);
        return this;
    }

    SagaScenario replied(String step, ReplyOutcome outcome, String body) {
        UUID messageId = state.step(step).inFlight()
                .orElseThrow(() -> new AssertionError("step " + step + " has no command in flight"));
        SagaState.SentCommand cmd = state.messages().get(messageId);
        return feed(new SagaInput.Reply(messageId, step, cmd.kind(), outcome, json(body), now));
    }

    SagaScenario succeeded(String step) {
        return replied(step, ReplyOutcome.SUCCESS, "{\"ok\":\"" + step + "\"}");
    }

    SagaScenario replyTo(UUID messageId, String step, CommandKind kind, ReplyOutcome outcome) {
        return feed(new SagaInput.Reply(messageId, step, kind, outcome, json("{}"), now));
    }

    SagaScenario timerFired(TimerKey.Type type, String step, CommandKind kind, int attempt) {
        return feed(new SagaInput.TimerFired(new TimerKey(type, step, kind, 1, attempt), now));
    }

    SagaScenario aborted() {
        return feed(new SagaInput.Abort("customer cancelled", now));
    }

    SagaScenario retried() {
        return feed(new SagaInput.Retry("participant fixed", now));
    }

    SagaScenario skipped(String step) {
        return feed(new SagaInput.Skip(step, "refunded by hand", now));
    }

    /** Fires the one timer the last decision scheduled, at its due time. */
    SagaScenario scheduledTimerFired(TimerKey.Type type) {
        return scheduledTimerFired(type, null);
    }

    /** Fires the timer of {@code step} (any step when null) that the last decision scheduled. */
    SagaScenario scheduledTimerFired(TimerKey.Type type, String step) {
        SagaDecision.Timer timer = last.timers().stream().filter(t -> t.key().type() == type)
                .filter(t -> step == null || t.key().step().equals(step)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " timer in " + last.timers()));
        now = timer.dueAt();
        return feed(new SagaInput.TimerFired(timer.key(), now));
    }

    SagaScenario feed(SagaInput input) {
        last = SagaDecider.decide(flow, state, input);
        for (SagaEvent event : last.events()) {
            SagaState next = state.apply(event);
            assertTransitionsAllowed(state, next);
            state = next;
            log.add(event);
        }
        sent.addAll(last.commands());
        return this;
    }

    private static void assertTransitionsAllowed(SagaState before, SagaState after) {
        if (!before.isNew()) {
            assertThat(Transitions.allowed(before.status(), after.status()))
                    .as("saga %s -> %s", before.status(), after.status()).isTrue();
        }
        after.steps().forEach((name, step) -> {
            SagaState.StepState old = before.steps().get(name);
            if (old != null) {
                assertThat(Transitions.allowed(old.status(), step.status()))
                        .as("step %s: %s -> %s", name, old.status(), step.status()).isTrue();
            }
        });
    }

    /** Commands sent so far, as {@code step/kind} strings, in order. */
    List<String> sentCommands() {
        return sent.stream().map(c -> c.step() + "/" + c.kind().wire()).toList();
    }

    List<String> eventTypes() {
        return log.stream().map(SagaEvent::type).toList();
    }
}
