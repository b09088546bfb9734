package io.sagaflow.engine.saga;

import static io.sagaflow.engine.saga.SagaScenario.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ParallelAndTccTest {

    @Test
    void startsTheBranchesOfAGroupAtOnceAndMovesOnWhenAllSucceeded() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order");

        assertThat(s.last.commands()).extracting(c -> c.step() + "/" + c.kind().wire())
                .containsExactly("reserve-stock/action", "charge/try");
        s.succeeded("charge");
        assertThat(s.last.commands()).isEmpty();
        s.succeeded("reserve-stock");
        assertThat(s.last.commands()).extracting(SagaDecision.Command::step).containsExactly("ship");
    }

    @Test
    void confirmsEveryTriedStepOnceAllStepsSucceededAndOnlyThenCompletes() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order")
                .succeeded("charge").succeeded("reserve-stock").succeeded("ship");

        assertThat(s.state.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(s.last.commands()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(CommandKind.CONFIRM);
            assertThat(c.command()).isEqualTo("capture");
            assertThat(c.idempotencyKey()).isEqualTo(s.sagaId + ":charge:confirm");
        });
        s.succeeded("charge");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(s.state.step("charge").status()).isEqualTo(StepStatus.CONFIRMED);
    }

    @Test
    void aFailedBranchAbandonsItsRunningSiblingAndUndoesTheGroupTogetherThenEarlierStages() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order");
        UUID tryMessage = s.state.step("charge").inFlight().orElseThrow();

        s.replied("reserve-stock", ReplyOutcome.FAILURE, "{\"message\":\"out of stock\"}");

        // the try is in doubt: it is cancelled; the failed reserve is not compensated
        assertThat(s.last.commands()).extracting(c -> c.step() + "/" + c.kind().wire()).containsExactly("charge/cancel");
        assertThat(s.last.cancelledTimers()).contains(new TimerKey(TimerKey.Type.TIMEOUT, "charge", CommandKind.TRY, 1, 1));
        s.replyTo(tryMessage, "charge", CommandKind.TRY, ReplyOutcome.SUCCESS);
        assertThat(s.last.rejection()).hasValueSatisfying(r -> assertThat(r).contains("turned back"));

        s.succeeded("charge");
        assertThat(s.last.commands()).extracting(c -> c.step() + "/" + c.kind().wire())
                .containsExactly("create-order/compensation");
        s.succeeded("create-order");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(s.state.step("charge").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(s.state.step("reserve-stock").status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.state.step("ship").status()).isEqualTo(StepStatus.PENDING);
    }

    @Test
    void undoesBothBranchesOfAGroupAtOnceWhenALaterStepFails() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order")
                .succeeded("charge").succeeded("reserve-stock")
                .replied("ship", ReplyOutcome.FAILURE, "{}");

        assertThat(s.last.commands()).extracting(c -> c.step() + "/" + c.kind().wire())
                .containsExactlyInAnyOrder("reserve-stock/compensation", "charge/cancel");
        s.succeeded("reserve-stock");
        assertThat(s.last.commands()).isEmpty();
        s.succeeded("charge");
        assertThat(s.last.commands()).extracting(SagaDecision.Command::step).containsExactly("create-order");
    }

    @Test
    void anOperatorAbortCompensatesARunningSagaIncludingTheStepInFlight() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").succeeded("create-order").aborted();

        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(s.eventTypes()).contains("AbortRequested", "CompensationStarted");
        assertThat(s.last.commands()).extracting(c -> c.step() + "/" + c.kind().wire())
                .containsExactly("charge/compensation");
        s.succeeded("charge").succeeded("create-order");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void abortIsRefusedForAnEndedSaga() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").replied("create-order", ReplyOutcome.FAILURE, "{}");
        s.aborted();
        assertThat(s.last.changesNothing()).isTrue();
        assertThat(s.last.rejection()).isPresent();
    }

    @Test
    void anOperatorRetryRunsTheFailedCompensationAgainUnderANewIdempotencyKeySuffix() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").succeeded("create-order")
                .replied("charge", ReplyOutcome.FAILURE, "{}")
                .replied("create-order", ReplyOutcome.FAILURE, "{\"message\":\"order locked\"}");
        assertThat(s.state.status()).isEqualTo(SagaStatus.FAILED);

        s.retried();
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(s.last.commands()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(CommandKind.COMPENSATION);
            assertThat(c.idempotencyKey()).isEqualTo(s.sagaId + ":create-order:compensation:2");
            assertThat(c.attempt()).isEqualTo(1);
        });
        s.succeeded("create-order");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void anOperatorSkipGivesUpOnAFailedCompensationAndGoesOn() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").succeeded("create-order").succeeded("charge")
                .replied("reserve", ReplyOutcome.FAILURE, "{}")
                .replied("charge", ReplyOutcome.FAILURE, "{\"message\":\"refund refused\"}");
        assertThat(s.state.status()).isEqualTo(SagaStatus.FAILED);

        s.skipped("charge");
        assertThat(s.state.step("charge").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(s.last.commands()).extracting(SagaDecision.Command::step).containsExactly("create-order");
        s.succeeded("create-order");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void skipIsRefusedForAStepThatDidNotFail() {
        SagaScenario s = given(Flows.threeSteps()).started("{}").succeeded("create-order")
                .replied("charge", ReplyOutcome.FAILURE, "{}")
                .replied("create-order", ReplyOutcome.FAILURE, "{}");
        s.skipped("reserve");
        assertThat(s.last.changesNothing()).isTrue();
    }

    @Test
    void aRefusedConfirmFailsTheSagaAndARetryConfirmsAgain() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order")
                .succeeded("charge").succeeded("reserve-stock").succeeded("ship")
                .replied("charge", ReplyOutcome.FAILURE, "{\"message\":\"capture refused\"}");
        assertThat(s.state.status()).isEqualTo(SagaStatus.FAILED);

        s.retried();
        assertThat(s.state.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(s.last.commands()).singleElement()
                .satisfies(c -> assertThat(c.idempotencyKey()).endsWith(":charge:confirm:2"));
        s.succeeded("charge");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPLETED);
    }

    @Test
    void aSiblingStillCompensatingWhenTheSagaFailsIsRecordedAndNotRedoneOnRetry() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order")
                .succeeded("charge").succeeded("reserve-stock").replied("ship", ReplyOutcome.FAILURE, "{}")
                .replied("reserve-stock", ReplyOutcome.FAILURE, "{}");
        assertThat(s.state.status()).isEqualTo(SagaStatus.FAILED);
        s.succeeded("charge");
        assertThat(s.state.step("charge").status()).isEqualTo(StepStatus.CANCELLED);

        s.retried();
        assertThat(s.last.commands()).extracting(c -> c.step() + "/" + c.kind().wire())
                .containsExactly("reserve-stock/compensation");
        s.succeeded("reserve-stock");
        assertThat(s.last.commands()).extracting(SagaDecision.Command::step).containsExactly("create-order");
    }

    @Test
    void replayEqualsTheFoldForParallelTccAndOperatorActions() {
        SagaScenario s = given(Flows.parallelWithTcc()).started("{}").succeeded("create-order")
                .succeeded("charge").succeeded("reserve-stock").replied("ship", ReplyOutcome.FAILURE, "{}")
                .replied("reserve-stock", ReplyOutcome.FAILURE, "{}").succeeded("charge").retried()
                .succeeded("reserve-stock").succeeded("create-order");
        assertThat(s.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(SagaState.replay(s.sagaId, s.log)).isEqualTo(s.state);
    }
}
