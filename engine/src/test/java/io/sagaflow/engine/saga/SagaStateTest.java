package io.sagaflow.engine.saga;

import static io.sagaflow.engine.saga.SagaScenario.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
import io.sagaflow.engine.saga.SagaEvent.AbortRequested;
import io.sagaflow.engine.saga.SagaEvent.CompensationStarted;
import io.sagaflow.engine.saga.SagaEvent.ConfirmationStarted;
import io.sagaflow.engine.saga.SagaEvent.ReplyIgnored;
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
import io.sagaflow.engine.saga.SagaState.Fate;
import io.sagaflow.engine.saga.SagaState.SentCommand;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link SagaState#apply}, one event type at a time: what a reader of the saga (the API, the decider) sees change,
 * and that no stored event, however unexpected, stops a saga from replaying.
 */
class SagaStateTest {

    private static final UUID SAGA = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final UUID M1 = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final UUID M2 = UUID.fromString("00000000-0000-0000-0000-0000000000e2");

    /** A saga of two steps, {@code order} then {@code charge}, just started. */
    private static SagaState started() {
        return SagaState.empty(SAGA).apply(new SagaStarted("checkout", 3, json("{\"orderId\":\"o-1\"}"),
                List.of("order", "charge")));
    }

    private static StepAttemptStarted attempt(String step, CommandKind kind, int run, int attempt, UUID id) {
        return new StepAttemptStarted(step, kind, run, attempt, id, T0.plusSeconds(30));
    }

    /** {@code order} succeeded, then {@code charge} failed: the saga turned back with {@code order} to undo. */
    private static SagaState turnedBack() {
        return started().apply(attempt("order", CommandKind.ACTION, 1, 1, M1))
                .apply(new StepSucceeded("order", json("{\"number\":7}")))
                .apply(new StepFailed("charge", "declined", false))
                .apply(new CompensationStarted("step charge failed: declined", List.of(List.of("order")), List.of()));
    }

    private static SagaState apply(SagaState state, SagaEvent... events) {
        for (SagaEvent event : events) {
            state = state.apply(event);
        }
        return state;
    }

    @Test
    void sagaStartedRecordsTheFlowAndInputAndMakesEveryStepPendingInFlowOrder() {
        SagaState s = started();

        assertThat(s.seq()).isEqualTo(1);
        assertThat(s.isNew()).isFalse();
        assertThat(s.flow()).isEqualTo("checkout");
        assertThat(s.flowVersion()).isEqualTo(3);
        assertThat(s.input().get("orderId").asText()).isEqualTo("o-1");
        assertThat(s.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(s.steps().keySet()).containsExactly("order", "charge");
        assertThat(s.steps().values()).allMatch(step -> step.status() == StepStatus.PENDING && step.attempts() == 0);
    }

    @Test
    void anAttemptOfTheActionRunsTheStepAndAwaitsItsMessage() {
        SagaState s = started().apply(attempt("order", CommandKind.ACTION, 1, 2, M1));

        assertThat(s.step("order").status()).isEqualTo(StepStatus.RUNNING);
        assertThat(s.step("order").attempts()).isEqualTo(2);
        assertThat(s.step("order").inFlight()).contains(M1);
        assertThat(s.messages()).containsEntry(M1, new SentCommand("order", CommandKind.ACTION, 1, 2, Fate.AWAITING));
        assertThat(s.step("charge").status()).isEqualTo(StepStatus.PENDING);
    }

    @Test
    void anAttemptOfAnUndoTurnsTheStepBackButAConfirmLeavesItSucceeded() {
        SagaState undoing = turnedBack().apply(attempt("order", CommandKind.COMPENSATION, 1, 1, M2));
        assertThat(undoing.step("order").status()).isEqualTo(StepStatus.COMPENSATING);
        assertThat(undoing.step("order").attemptsOf(CommandKind.COMPENSATION)).isEqualTo(1);

        SagaState confirming = apply(started(), attempt("order", CommandKind.TRY, 1, 1, M1),
                new StepSucceeded("order", json("{}")), new ConfirmationStarted(List.of("order")),
                attempt("order", CommandKind.CONFIRM, 1, 1, M2));
        assertThat(confirming.step("order").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(confirming.step("order").inFlight()).contains(M2);
    }

    @Test
    void aFailedAttemptWithARetryScheduledKeepsTheStepRunningAndRecordsWhy() {
        SagaState s = apply(started(), attempt("order", CommandKind.ACTION, 1, 1, M1),
                new StepAttemptFailed("order", CommandKind.ACTION, 1, "busy", false, Optional.of(T0.plusSeconds(1))));

        assertThat(s.step("order").status()).isEqualTo(StepStatus.RUNNING);
        assertThat(s.step("order").error()).contains("busy");
        assertThat(s.step("order").pendingRetry()).contains(CommandKind.ACTION);
        assertThat(s.step("order").inFlight()).isEmpty();
        assertThat(s.messages().get(M1).fate()).isEqualTo(Fate.ANSWERED);

        SagaState retried = s.apply(attempt("order", CommandKind.ACTION, 1, 2, M2));
        assertThat(retried.step("order").pendingRetry()).isEmpty();
        assertThat(retried.step("order").attempts()).isEqualTo(2);
    }

    @Test
    void aTimedOutAttemptMarksItsMessageTimedOutAndSpentAttemptsScheduleNoRetry() {
        SagaState s = apply(started(), attempt("order", CommandKind.ACTION, 1, 3, M1),
                new StepAttemptFailed("order", CommandKind.ACTION, 3, "no reply within 30s", true, Optional.empty()));

        assertThat(s.messages().get(M1).fate()).isEqualTo(Fate.TIMED_OUT);
        assertThat(s.step("order").pendingRetry()).isEmpty();
        assertThat(s.step("order").error()).contains("no reply within 30s");
    }

    @Test
    void stepSucceededKeepsTheOutputAndClearsTheErrorOfEarlierAttempts() {
        SagaState s = apply(started(), attempt("order", CommandKind.ACTION, 1, 1, M1),
                new StepAttemptFailed("order", CommandKind.ACTION, 1, "busy", false, Optional.of(T0)),
                attempt("order", CommandKind.ACTION, 1, 2, M2), new StepSucceeded("order", json("{\"number\":7}")));

        assertThat(s.step("order").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(s.step("order").output()).contains(json("{\"number\":7}"));
        assertThat(s.step("order").error()).isEmpty();
        assertThat(s.step("order").inFlight()).isEmpty();
        assertThat(s.messages().get(M2).fate()).isEqualTo(Fate.ANSWERED);
    }

    @Test
    void stepFailedRecordsTheErrorAndWhetherTheOutcomeIsUnknown() {
        SagaState s = apply(started(), attempt("order", CommandKind.ACTION, 1, 3, M1),
                new StepFailed("order", "attempts spent (3), last: busy", true));

        assertThat(s.step("order").status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.step("order").error()).contains("attempts spent (3), last: busy");
        assertThat(s.step("order").outcomeUnknown()).isTrue();
        assertThat(s.messages().get(M1).fate()).isEqualTo(Fate.ANSWERED);
        assertThat(s.status()).isEqualTo(SagaStatus.RUNNING);   // the saga turns back by its own event
    }

    @Test
    void compensationStartedTurnsTheSagaBackWithItsGroupsAndReason() {
        SagaState s = turnedBack();

        assertThat(s.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(s.turnedBack()).isTrue();
        assertThat(s.compensations()).containsExactly(List.of("order"));
        assertThat(s.error()).contains("step charge failed: declined");
        assertThat(s.step("order").status()).isEqualTo(StepStatus.SUCCEEDED);   // until its compensation starts
    }

    @Test
    void abandonedStepsHaveAnUnknownOutcomeAndOnlyThoseWithNothingToUndoFail() {
        SagaState running = apply(started(), attempt("order", CommandKind.ACTION, 1, 1, M1),
                attempt("charge", CommandKind.ACTION, 1, 1, M2));
        SagaState s = running.apply(new CompensationStarted("aborted by an operator: late", List.of(List.of("order")),
                List.of("order", "charge")));

        assertThat(s.messages().get(M1).fate()).isEqualTo(Fate.ABANDONED);
        assertThat(s.messages().get(M2).fate()).isEqualTo(Fate.ABANDONED);
        assertThat(s.step("order").outcomeUnknown()).isTrue();
        assertThat(s.step("order").status()).isEqualTo(StepStatus.RUNNING);   // its compensation will settle it
        assertThat(s.step("charge").outcomeUnknown()).isTrue();
        assertThat(s.step("charge").status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.step("charge").error()).hasValueSatisfying(e -> assertThat(e).startsWith("abandoned"));
        assertThat(s.steps().values()).allMatch(step -> step.inFlight().isEmpty());
    }

    @Test
    void stepCompensatedAndStepCancelledUndoTheStepAndAnswerItsMessage() {
        SagaState undoing = turnedBack().apply(attempt("order", CommandKind.COMPENSATION, 1, 1, M2));

        SagaState compensated = undoing.apply(new StepCompensated("order"));
        assertThat(compensated.step("order").status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(compensated.step("order").undone()).isTrue();
        assertThat(compensated.messages().get(M2).fate()).isEqualTo(Fate.ANSWERED);

        SagaState cancelled = undoing.apply(new StepCancelled("order"));
        assertThat(cancelled.step("order").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(cancelled.step("order").undone()).isTrue();
    }

    @Test
    void confirmationStartedAndStepConfirmedConfirmTheTccSteps() {
        SagaState tried = apply(started(), attempt("order", CommandKind.TRY, 1, 1, M1),
                new StepSucceeded("order", json("{}")));
        SagaState confirming = tried.apply(new ConfirmationStarted(List.of("order")));
        assertThat(confirming.confirming()).isTrue();
        assertThat(confirming.confirmations()).containsExactly("order");
        assertThat(confirming.status()).isEqualTo(SagaStatus.RUNNING);

        SagaState confirmed = apply(confirming, attempt("order", CommandKind.CONFIRM, 1, 1, M2),
                new StepConfirmed("order"));
        assertThat(confirmed.step("order").status()).isEqualTo(StepStatus.CONFIRMED);
        assertThat(confirmed.messages().get(M2).fate()).isEqualTo(Fate.ANSWERED);
    }

    @Test
    void aFailedUndoFailsTheStepForAnOperatorButAFailedConfirmLeavesItSucceeded() {
        SagaState undo = apply(turnedBack(), attempt("order", CommandKind.COMPENSATION, 1, 1, M2),
                new SettlementFailed("order", CommandKind.COMPENSATION, "compensation of step order failed: gone"));
        assertThat(undo.step("order").status()).isEqualTo(StepStatus.FAILED);
        assertThat(undo.step("order").settlementFailure()).contains(CommandKind.COMPENSATION);
        assertThat(undo.step("order").error()).contains("compensation of step order failed: gone");
        assertThat(undo.messages().get(M2).fate()).isEqualTo(Fate.ANSWERED);

        SagaState confirm = apply(started(), attempt("order", CommandKind.TRY, 1, 1, M1),
                new StepSucceeded("order", json("{}")), new ConfirmationStarted(List.of("order")),
                attempt("order", CommandKind.CONFIRM, 1, 1, M2),
                new SettlementFailed("order", CommandKind.CONFIRM, "confirm refused"));
        assertThat(confirm.step("order").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(confirm.step("order").settlementFailure()).contains(CommandKind.CONFIRM);
    }

    @Test
    void sagaFailedWaitsForAnOperatorWithTheError() {
        SagaState s = turnedBack().apply(new SagaFailed("order", "compensation of step order failed: gone"));

        assertThat(s.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(s.status().terminal()).isTrue();
        assertThat(s.error()).contains("compensation of step order failed: gone");
    }

    @Test
    void stepSkippedSettlesTheFailedStepByHand() {
        SagaState s = apply(turnedBack(), attempt("order", CommandKind.COMPENSATION, 1, 1, M2),
                new SettlementFailed("order", CommandKind.COMPENSATION, "gone"), new SagaFailed("order", "gone"),
                new StepSkipped("order", "refunded by hand"));

        assertThat(s.step("order").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(s.step("order").settlementFailure()).isEmpty();
        assertThat(s.step("order").undone()).isTrue();
    }

    @Test
    void sagaResumedStartsANewRunOfEachFailedUndoAndTurnsBackAgain() {
        SagaState failed = apply(turnedBack(), attempt("order", CommandKind.COMPENSATION, 1, 2, M2),
                new SettlementFailed("order", CommandKind.COMPENSATION, "gone"), new SagaFailed("order", "gone"));

        SagaState resumed = failed.apply(new SagaResumed("retried by an operator: fixed", List.of("order")));
        assertThat(resumed.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(resumed.step("order").status()).isEqualTo(StepStatus.COMPENSATING);
        assertThat(resumed.step("order").runOf(CommandKind.COMPENSATION)).isEqualTo(2);
        assertThat(resumed.step("order").attemptsOf(CommandKind.COMPENSATION)).isZero();
        assertThat(resumed.step("order").settlementFailure()).isEmpty();

        SagaState again = apply(resumed, new SettlementFailed("order", CommandKind.COMPENSATION, "still gone"),
                new SagaFailed("order", "still gone"), new SagaResumed("retried again", List.of("order")));
        assertThat(again.step("order").runOf(CommandKind.COMPENSATION)).isEqualTo(3);
    }

    @Test
    void sagaResumedWhileConfirmingRunsForwardAgainAndLeavesTheStepSucceeded() {
        SagaState failed = apply(started(), attempt("order", CommandKind.TRY, 1, 1, M1),
                new StepSucceeded("order", json("{}")), new ConfirmationStarted(List.of("order")),
                attempt("order", CommandKind.CONFIRM, 1, 1, M2), new SettlementFailed("order", CommandKind.CONFIRM, "no"),
                new SagaFailed("order", "no"));

        SagaState resumed = failed.apply(new SagaResumed("retried", List.of("order")));
        assertThat(resumed.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(resumed.step("order").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(resumed.step("order").runOf(CommandKind.CONFIRM)).isEqualTo(2);
    }

    @Test
    void sagaCompletedHasTheOutputAndNoError() {
        SagaState s = apply(started(), new SagaFailed("order", "confirm refused"), new SagaResumed("retried", List.of()),
                new SagaCompleted(json("{\"order\":{\"number\":7}}")));

        assertThat(s.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(s.output()).contains(json("{\"order\":{\"number\":7}}"));
        assertThat(s.error()).isEmpty();
    }

    @Test
    void sagaCompensatedEndsTheSagaAndKeepsTheReasonItTurnedBack() {
        SagaState s = apply(turnedBack(), new StepCompensated("order"), new SagaCompensated());

        assertThat(s.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(s.error()).contains("step charge failed: declined");
    }

    @Test
    void abortRequestedAndReplyIgnoredAreHistoryOnlyAndChangeNothingButTheSequence() {
        SagaState before = started().apply(attempt("order", CommandKind.ACTION, 1, 1, M1));

        for (SagaEvent historyOnly : List.of(new AbortRequested("customer cancelled"),
                new ReplyIgnored(M1, "order", CommandKind.ACTION, ReplyOutcome.SUCCESS, "duplicate reply"))) {
            SagaState after = before.apply(historyOnly);
            assertThat(after.seq()).isEqualTo(before.seq() + 1);
            assertThat(after).usingRecursiveComparison().ignoringFields("seq").isEqualTo(before);
        }
    }

    @Test
    void replayFoldsTheLogInOrderAndCountsEveryEvent() {
        List<SagaEvent> log = List.of(new SagaStarted("checkout", 1, json("{}"), List.of("order")),
                attempt("order", CommandKind.ACTION, 1, 1, M1), new ReplyIgnored(M2, "order", CommandKind.ACTION,
                        ReplyOutcome.SUCCESS, "unknown message"), new StepSucceeded("order", json("{}")),
                new SagaCompleted(json("{}")));

        SagaState s = SagaState.replay(SAGA, log);
        assertThat(s.seq()).isEqualTo(5);
        assertThat(s.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(s).usingRecursiveComparison().isEqualTo(apply(SagaState.empty(SAGA), log.toArray(SagaEvent[]::new)));
    }

    /** One event of every type, naming steps, kinds and messages that the sagas below do not expect. */
    private static List<SagaEvent> oneOfEach() {
        UUID stranger = UUID.fromString("00000000-0000-0000-0000-0000000000ff");
        return List.of(
                new SagaStarted("late", 2, json("{}"), List.of("ghost")),
                attempt("nowhere", CommandKind.CANCEL, 4, 9, stranger),
                new StepAttemptFailed("nowhere", CommandKind.TRY, 7, null, true, Optional.of(T0)),
                new SagaEvent.StepAttemptDeferred("nowhere", CommandKind.TRY, 3, stranger, T0, null),
                new StepSucceeded("nowhere", null),
                new StepFailed("nowhere", null, true),
                new AbortRequested("too late"),
                new CompensationStarted(null, List.of(List.of("nowhere", "order")), List.of("nowhere", "order")),
                new StepCompensated("nowhere"),
                new StepCancelled("order"),
                new ConfirmationStarted(List.of("nowhere")),
                new StepConfirmed("charge"),
                new SettlementFailed("nowhere", CommandKind.CONFIRM, null),
                new StepSkipped("nowhere", "by hand"),
                new SagaResumed("again", List.of("nowhere", "order")),
                new SagaCompleted(null),
                new SagaCompensated(),
                new SagaFailed("nowhere", null),
                new ReplyIgnored(stranger, "nowhere", CommandKind.CONFIRM, ReplyOutcome.RETRY, "unknown"));
    }

    @Test
    void theSampleBelowHasOneEventOfEveryType() {
        Set<Class<?>> sampled = oneOfEach().stream().map(Object::getClass).collect(Collectors.toSet());
        // A new event type must be added to the sample, so its rule is shown to tolerate any saga.
        assertThat(sampled).containsExactlyInAnyOrderElementsOf(Arrays.asList(SagaEvent.class.getPermittedSubclasses()));
    }

    /**
     * A stored event must replay whatever the saga looked like: out of order, for a step the saga does not have, on a
     * saga that never started, with fields an older writer left empty. None throws, each counts in the sequence.
     */
    @Test
    void noEventThrowsWhateverTheSagaItMeets() {
        SagaState completed = apply(started(), attempt("order", CommandKind.ACTION, 1, 1, M1),
                new StepSucceeded("order", json("{}")), new SagaCompleted(json("{}")));
        for (SagaState saga : List.of(SagaState.empty(SAGA), started(), turnedBack(), completed)) {
            for (SagaEvent event : oneOfEach()) {
                assertThatCode(() -> saga.apply(event)).as("%s on a saga at seq %d", event.type(), saga.seq())
                        .doesNotThrowAnyException();
                assertThat(saga.apply(event).seq()).isEqualTo(saga.seq() + 1);
            }
            assertThatCode(() -> SagaState.replay(SAGA, oneOfEach())).doesNotThrowAnyException();
        }
    }

    /** A text or output field an older writer did not fill is read as absent, not as a reason to stop replaying. */
    @Test
    void fieldsLeftEmptyByAnOlderWriterReplayAsAbsent() {
        SagaState running = started().apply(attempt("order", CommandKind.ACTION, 1, 1, M1));
        List<SagaEvent> emptyFields = List.of(
                new StepAttemptFailed("order", CommandKind.ACTION, 1, null, false, Optional.empty()),
                new StepSucceeded("order", null), new StepFailed("order", null, false),
                new CompensationStarted(null, List.of(List.of("order")), List.of("order")),
                new SettlementFailed("order", CommandKind.COMPENSATION, null), new SagaFailed("order", null),
                new SagaCompleted(null));

        for (SagaEvent event : emptyFields) {
            assertThatCode(() -> running.apply(event)).as(event.type()).doesNotThrowAnyException();
        }
        assertThat(running.apply(emptyFields.get(0)).step("order").error()).isEmpty();
        assertThat(running.apply(emptyFields.get(1)).step("order").output()).isEmpty();
        assertThat(running.apply(emptyFields.get(3)).error()).isEmpty();
        assertThat(running.apply(emptyFields.get(6)).output()).isEmpty();
    }

    @Test
    void anEventForAStepTheSagaDoesNotHaveLeavesEveryStepAsItWas() {
        SagaState before = turnedBack();

        for (SagaEvent event : List.of(new StepSucceeded("nowhere", json("{}")), new StepFailed("nowhere", "x", true),
                new StepCompensated("nowhere"), new StepSkipped("nowhere", "x"),
                new SettlementFailed("nowhere", CommandKind.COMPENSATION, "x"))) {
            assertThat(before.apply(event).steps()).as(event.type()).isEqualTo(before.steps());
            assertThat(before.apply(event).messages()).as(event.type()).isEqualTo(before.messages());
        }
    }

    @Test
    void aSecondReplyEventForTheSameStepDoesNotSettleAnotherMessage() {
        SagaState answered = apply(started(), attempt("order", CommandKind.ACTION, 1, 1, M1),
                new StepSucceeded("order", json("{\"n\":1}")));

        SagaState twice = answered.apply(new StepSucceeded("order", json("{\"n\":2}")));
        assertThat(twice.messages()).isEqualTo(answered.messages());
        assertThat(twice.step("order").status()).isEqualTo(StepStatus.SUCCEEDED);
    }
}
