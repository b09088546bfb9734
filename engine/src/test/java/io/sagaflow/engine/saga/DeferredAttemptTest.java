package io.sagaflow.engine.saga;

import static io.sagaflow.engine.saga.SagaScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A command the HTTP connector held back (open circuit, rate limit, full bulkhead) is not an attempt. */
class DeferredAttemptTest {

    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Backoff.FIXED, Duration.ofSeconds(1),
            Duration.ofSeconds(1), 0);

    private static SagaScenario deferred(SagaScenario s, String step, Duration after) {
        UUID id = s.state.step(step).inFlight().orElseThrow();
        SagaState.SentCommand cmd = s.state.messages().get(id);
        return s.feed(new SagaInput.Reply(id, step, cmd.kind(), ReplyOutcome.DEFERRED,
                SagaScenario.json("{\"code\":\"CIRCUIT_OPEN\",\"message\":\"the circuit of f/orders is open\"}"), after,
                s.now));
    }

    @Test
    void aDeferredCommandIsSentAgainWithTheSameMessageIdAndAFreshTimeoutWithoutSpendingTheAttempt() {
        SagaScenario s = given(Flows.threeSteps(ONE_ATTEMPT)).started("{}");
        SagaDecision.Command first = s.last.commands().get(0);

        deferred(s, "create-order", Duration.ofSeconds(7));
        assertThat(s.last.events()).singleElement().isInstanceOfSatisfying(SagaEvent.StepAttemptDeferred.class, e -> {
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.resendAt()).isEqualTo(s.now.plusSeconds(7));
            assertThat(e.reason()).isEqualTo("CIRCUIT_OPEN: the circuit of f/orders is open");
        });
        assertThat(s.last.cancelledTimers()).contains(
                new TimerKey(TimerKey.Type.TIMEOUT, "create-order", CommandKind.ACTION, 1, 1));
        assertThat(s.last.timers()).singleElement().satisfies(t -> {
            assertThat(t.key()).isEqualTo(new TimerKey(TimerKey.Type.RESEND, "create-order", CommandKind.ACTION, 1, 1));
            assertThat(t.dueAt()).isEqualTo(s.now.plusSeconds(7));
        });
        assertThat(s.last.commands()).isEmpty();
        assertThat(s.state.step("create-order").status()).isEqualTo(StepStatus.RUNNING);

        s.scheduledTimerFired(TimerKey.Type.RESEND);
        SagaDecision.Command again = s.last.commands().get(0);
        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(again.idempotencyKey()).isEqualTo(first.idempotencyKey());
        assertThat(s.last.timers()).singleElement().satisfies(t -> {
            assertThat(t.key().type()).isEqualTo(TimerKey.Type.TIMEOUT);
            assertThat(t.dueAt()).isEqualTo(s.now.plus(Duration.ofSeconds(30)));
        });

        s.succeeded("create-order");
        assertThat(s.state.step("create-order").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(s.state.step("create-order").attempts()).isEqualTo(1);
    }

    @Test
    void deferralsAsManyAsTheCircuitNeedsNeverFailAStepWithOneAttempt() {
        SagaScenario s = given(Flows.threeSteps(ONE_ATTEMPT)).started("{}");
        for (int i = 0; i < 20; i++) {
            deferred(s, "create-order", Duration.ofSeconds(10));
            s.scheduledTimerFired(TimerKey.Type.RESEND);
        }
        s.succeeded("create-order").succeeded("charge").succeeded("reserve");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(s.eventTypes()).doesNotContain("StepAttemptFailed");
    }

    @Test
    void aReplyThatArrivesWhileDeferredSettlesTheAttemptAndCancelsTheResend() {
        // e.g. the connector called, crashed before its commit, and the redelivered command found the circuit open
        SagaScenario s = given(Flows.threeSteps(ONE_ATTEMPT)).started("{}");
        deferred(s, "create-order", Duration.ofSeconds(5));
        s.succeeded("create-order");
        assertThat(s.state.step("create-order").status()).isEqualTo(StepStatus.SUCCEEDED);

        s.timerFired(TimerKey.Type.RESEND, "create-order", CommandKind.ACTION, 1);
        assertThat(s.last.changesNothing()).isTrue();
        assertThat(s.last.rejection()).hasValueSatisfying(r -> assertThat(r).contains("stale"));
    }

    @Test
    void anAbortWhileDeferredAbandonsTheAttemptAndItsResendChangesNothing() {
        SagaScenario s = given(Flows.threeSteps(ONE_ATTEMPT)).started("{}").succeeded("create-order");
        deferred(s, "charge", Duration.ofSeconds(5));
        s.aborted();
        assertThat(s.last.cancelledTimers()).contains(
                new TimerKey(TimerKey.Type.RESEND, "charge", CommandKind.ACTION, 1, 1));

        s.timerFired(TimerKey.Type.RESEND, "charge", CommandKind.ACTION, 1);
        assertThat(s.last.commands()).isEmpty();
        assertThat(s.last.rejection()).isPresent();
    }

    @Test
    void aDeferredReplyToAnAttemptThatAlreadyTimedOutIsIgnored() {
        SagaScenario s = given(Flows.threeSteps()).started("{}");
        UUID attempt1 = s.state.step("create-order").inFlight().orElseThrow();
        s.scheduledTimerFired(TimerKey.Type.TIMEOUT);
        s.feed(new SagaInput.Reply(attempt1, "create-order", CommandKind.ACTION, ReplyOutcome.DEFERRED,
                SagaScenario.json("{}"), Duration.ofSeconds(1), s.now));
        assertThat(s.last.events()).singleElement().isInstanceOf(SagaEvent.ReplyIgnored.class);
        assertThat(s.last.timers()).isEmpty();
    }

    @Test
    void replayingALogWithDeferralsGivesTheSameState() {
        SagaScenario s = given(Flows.threeSteps(ONE_ATTEMPT)).started("{}");
        deferred(s, "create-order", Duration.ofSeconds(3));
        s.scheduledTimerFired(TimerKey.Type.RESEND).succeeded("create-order");
        assertThat(SagaState.replay(s.sagaId, s.log)).isEqualTo(s.state);
    }
}
