package io.sagaflow.engine.saga;

import static io.sagaflow.engine.saga.SagaScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagaDeciderTest {

    @Test
    void runsEveryActionInOrderAndCompletesWithTheStepOutputs() {
        SagaScenario s = given(Flows.threeSteps()).started("{\"orderId\":\"o-1\"}")
                .succeeded("create-order").succeeded("charge").succeeded("reserve");

        assertThat(s.sentCommands()).containsExactly("create-order/action", "charge/action", "reserve/action");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(s.state.output().orElseThrow().get("charge").get("ok").asText()).isEqualTo("charge");
        assertThat(s.state.steps().values()).allMatch(step -> step.status() == StepStatus.SUCCEEDED);
    }

    @Test
    void firstCommandCarriesTheSagaInputAndTheStepsIdempotencyKey() {
        SagaScenario s = given(Flows.threeSteps()).started("{\"orderId\":\"o-1\"}");

        SagaDecision.Command first = s.last.commands().get(0);
        assertThat(first.command()).isEqualTo("create");
        assertThat(first.participant()).isEqualTo("orders");
        assertThat(first.input().get("orderId").asText()).isEqualTo("o-1");
        assertThat(first.idempotencyKey()).isEqualTo(s.sagaId + ":create-order:action");
        assertThat(s.last.timers()).singleElement().satisfies(t -> {
            assertThat(t.key().type()).isEqualTo(TimerKey.Type.TIMEOUT);
            assertThat(t.dueAt()).isEqualTo(s.now.plus(Duration.ofSeconds(30)));
        });
    }

    @Test
    void compensatesStep2ThenStep1WhenStep3FailsForBusinessReasons() {
        SagaScenario s = given(Flows.threeSteps()).started("{}")
                .succeeded("create-order").succeeded("charge")
                .replied("reserve", ReplyOutcome.FAILURE, "{\"code\":\"OUT_OF_STOCK\",\"message\":\"no stock\"}");

        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(s.state.step("reserve").status()).isEqualTo(StepStatus.FAILED);
        s.succeeded("charge").succeeded("create-order");

        assertThat(s.sentCommands()).containsExactly("create-order/action", "charge/action", "reserve/action",
                "charge/compensation", "create-order/compensation");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(s.state.error()).hasValueSatisfying(e -> assertThat(e).contains("OUT_OF_STOCK: no stock"));
        assertThat(s.state.step("reserve").status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.state.step("charge").status()).isEqualTo(StepStatus.COMPENSATED);
    }

    @Test
    void retriesATransientFailureAfterTheBackoffWithANewMessageIdAndTheSameIdempotencyKey() {
        SagaScenario s = given(Flows.threeSteps()).started("{}");
        SagaDecision.Command attempt1 = s.last.commands().get(0);

        s.replied("create-order", ReplyOutcome.RETRY, "{\"message\":\"busy\"}");
        assertThat(s.last.commands()).isEmpty();
        assertThat(s.last.cancelledTimers()).containsExactly(
                new TimerKey(TimerKey.Type.TIMEOUT, "create-order", CommandKind.ACTION, 1, 1));
        SagaDecision.Timer retry = s.last.timers().get(0);
        assertThat(retry.key()).isEqualTo(new TimerKey(TimerKey.Type.RETRY, "create-order", CommandKind.ACTION, 1, 2));
        assertThat(retry.dueAt()).isEqualTo(s.now.plusSeconds(1));

        s.scheduledTimerFired(TimerKey.Type.RETRY);
        SagaDecision.Command attempt2 = s.last.commands().get(0);
        assertThat(attempt2.attempt()).isEqualTo(2);
        assertThat(attempt2.messageId()).isNotEqualTo(attempt1.messageId());
        assertThat(attempt2.idempotencyKey()).isEqualTo(attempt1.idempotencyKey());

        s.succeeded("create-order");
        assertThat(s.state.step("create-order").attempts()).isEqualTo(2);
        assertThat(s.state.step("charge").status()).isEqualTo(StepStatus.RUNNING);
    }

    @Test
    void exponentialBackoffDoublesEachWaitUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(5, Backoff.EXPONENTIAL, Duration.ofMillis(100), Duration.ofMillis(300), 0);
        SagaScenario s = given(Flows.threeSteps(policy)).started("{}");
        List<Duration> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            s.replied("create-order", ReplyOutcome.RETRY, "{}");
            waits.add(Duration.between(s.now, s.last.timers().get(0).dueAt()));
            s.scheduledTimerFired(TimerKey.Type.RETRY);
        }
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMillis(300));
    }

    @Test
    void jitterKeepsEachWaitInsideItsBand() {
        RetryPolicy policy = new RetryPolicy(2, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5);
        for (int i = 0; i < 50; i++) {
            SagaScenario s = given(Flows.threeSteps(policy));
            s.state = SagaState.empty(UUID.randomUUID());
            s.started("{}").replied("create-order", ReplyOutcome.RETRY, "{}");
            Duration wait = Duration.between(s.now, s.last.timers().get(0).dueAt());
            assertThat(wait).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
        }
    }

    @Test
    void compensatesAStepWhoseLastAttemptTimedOutBecauseItsOutcomeIsUnknown() {
        RetryPolicy twice = new RetryPolicy(2, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        SagaScenario s = given(Flows.threeSteps(twice)).started("{}").succeeded("create-order")
                .scheduledTimerFired(TimerKey.Type.TIMEOUT)   // charge attempt 1 times out
                .scheduledTimerFired(TimerKey.Type.RETRY)
                .scheduledTimerFired(TimerKey.Type.TIMEOUT);  // attempt 2 times out: attempts spent

        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(s.state.step("charge").outcomeUnknown()).isTrue();
        s.succeeded("charge").succeeded("create-order");

        assertThat(s.sentCommands()).containsExactly("create-order/action", "charge/action", "charge/action",
                "charge/compensation", "create-order/compensation");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(s.state.step("reserve").status()).isEqualTo(StepStatus.PENDING);
    }

    @Test
    void recordsALateReplyAfterATimeoutAndChangesNoDecision() {
        RetryPolicy twice = new RetryPolicy(2, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
        SagaScenario s = given(Flows.threeSteps(twice)).started("{}");
        UUID attempt1 = s.state.step("create-order").inFlight().orElseThrow();
        s.scheduledTimerFired(TimerKey.Type.TIMEOUT);
        SagaState before = s.state;

        s.replyTo(attempt1, "create-order", CommandKind.ACTION, ReplyOutcome.SUCCESS);

        assertThat(s.last.rejection()).hasValueSatisfying(r -> assertThat(r).startsWith("late reply"));
        assertThat(s.last.events()).singleElement().isInstanceOf(SagaEvent.ReplyIgnored.class);
        assertThat(s.last.commands()).isEmpty();
        assertThat(s.last.timers()).isEmpty();
        assertThat(s.state.steps()).isEqualTo(before.steps());
    }

    @Test
    void ignoresADuplicateReply() {
        SagaScenario s = given(Flows.threeSteps()).started("{}");
        UUID first = s.state.step("create-order").inFlight().orElseThrow();
        s.succeeded("create-order");
        SagaState before = s.state;

        s.replyTo(first, "create-order", CommandKind.ACTION, ReplyOutcome.FAILURE);

        assertThat(s.last.rejection()).hasValueSatisfying(r -> assertThat(r).startsWith("duplicate reply"));
        assertThat(s.last.commands()).isEmpty();
        assertThat(s.state.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(s.state.steps()).isEqualTo(before.steps());
    }

    @Test
    void ignoresAReplyWithAMessageIdItNeverSent() {
        SagaScenario s = given(Flows.threeSteps()).started("{}");
        s.replyTo(UUID.randomUUID(), "create-order", CommandKind.ACTION, ReplyOutcome.SUCCESS);
        assertThat(s.last.rejection()).hasValueSatisfying(r -> assertThat(r).startsWith("no command"));
        assertThat(s.state.step("create-order").status()).isEqualTo(StepStatus.RUNNING);
    }

    @Test
    void rejectsAReplyForASagaThatDoesNotExistWithoutEvents() {
        SagaDecision d = SagaDecider.decide(Flows.threeSteps(), SagaState.empty(UUID.randomUUID()),
                new SagaInput.Reply(UUID.randomUUID(), "charge", CommandKind.ACTION, ReplyOutcome.SUCCESS,
                        SagaScenario.json("{}"), java.time.Instant.EPOCH));
        assertThat(d.events()).isEmpty();
        assertThat(d.rejection()).hasValueSatisfying(r -> assertThat(r).startsWith("unknown saga"));
    }

    @Test
    void aStaleRetryTimerChangesNothing() {
        SagaScenario s = given(Flows.threeSteps()).started("{}");
        s.timerFired(TimerKey.Type.RETRY, "create-order", CommandKind.ACTION, 2);
        assertThat(s.last.changesNothing()).isTrue();
        assertThat(s.last.rejection()).isPresent();
    }

    @Test
    void aTimeoutThatFiresAfterItsReplyChangesNothing() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").succeeded("create-order");
        s.timerFired(TimerKey.Type.TIMEOUT, "create-order", CommandKind.ACTION, 1);
        assertThat(s.last.changesNothing()).isTrue();
    }

    @Test
    void retriesACompensationThenFailsTheSagaWhenItsAttemptsAreSpent() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").succeeded("create-order")
                .replied("charge", ReplyOutcome.FAILURE, "{\"message\":\"card declined\"}");
        for (int attempt = 1; attempt < 3; attempt++) {
            s.replied("create-order", ReplyOutcome.RETRY, "{\"message\":\"db down\"}").scheduledTimerFired(TimerKey.Type.RETRY);
        }
        s.replied("create-order", ReplyOutcome.RETRY, "{\"message\":\"db down\"}");

        assertThat(s.state.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(s.state.step("create-order").status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.state.step("create-order").attemptsOf(CommandKind.COMPENSATION)).isEqualTo(3);
        assertThat(s.state.error()).hasValueSatisfying(e -> assertThat(e).contains("compensation of step create-order"));
        assertThat(s.last.timers()).isEmpty();
    }

    @Test
    void neverCompensatesAPivotStep() {
        SagaScenario s = given(Flows.withPivot()).started("{}").succeeded("create-order").succeeded("ship")
                .replied("reserve", ReplyOutcome.FAILURE, "{}")
                .succeeded("create-order");

        assertThat(s.sentCommands()).containsExactly("create-order/action", "ship/action", "reserve/action",
                "create-order/compensation");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(s.state.step("ship").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void stepInputExpressionsSeeTheSagaInputAndEarlierOutputs() {
        SagaScenario s = given(Flows.withInputs()).started("{\"orderId\":\"o-7\",\"amount\":5}")
                .replied("create-order", ReplyOutcome.SUCCESS, "{\"number\": 42}");
        SagaDecision.Command charge = s.last.commands().get(0);
        assertThat(charge.input().toString()).isEqualTo("{\"orderId\":\"o-7\",\"order\":42}");
        assertThat(charge.timeoutMillis()).isEqualTo(5000);
    }

    @Test
    void anHttpParticipantsOwnTimeoutBoundsTheRequest() {
        SagaScenario s = given(Flows.withPivot()).started("{}").succeeded("create-order");
        assertThat(s.last.commands().get(0).timeoutMillis()).isEqualTo(2000);
    }

    @Test
    void replayingTheLogGivesTheSameState() {
        SagaScenario s = given(Flows.threeSteps()).started("{\"a\":1}").succeeded("create-order")
                .replied("charge", ReplyOutcome.RETRY, "{}").scheduledTimerFired(TimerKey.Type.RETRY)
                .replied("charge", ReplyOutcome.FAILURE, "{}").succeeded("create-order");
        assertThat(SagaState.replay(s.sagaId, s.log)).isEqualTo(s.state);
        assertThat(s.state.seq()).isEqualTo(s.log.size());
    }

    @Test
    void aSecondStartOfTheSameSagaIsRejected() {
        SagaScenario s = given(Flows.threeSteps()).started("{}");
        s.started("{}");
        assertThat(s.last.changesNothing()).isTrue();
        assertThat(s.last.rejection()).isPresent();
    }

    @Test
    void repliesToAnEndedSagaAreRecordedAndIgnored() {
        SagaScenario s = given(Flows.threeSteps()).started("{}")
                .replied("create-order", ReplyOutcome.FAILURE, "{}");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        UUID id = SagaDecider.messageId(s.sagaId, "create-order", CommandKind.ACTION, 1, 1);
        s.replyTo(id, "create-order", CommandKind.ACTION, ReplyOutcome.SUCCESS);
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(s.last.commands()).isEmpty();
    }
}
