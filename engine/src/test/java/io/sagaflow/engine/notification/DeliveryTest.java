package io.sagaflow.engine.notification;

import static io.sagaflow.engine.notification.CheckedDelivery.answer;
import static io.sagaflow.engine.notification.CheckedDelivery.claim;
import static io.sagaflow.engine.notification.CheckedDelivery.resend;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.NotificationFlow;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The delivery rules, given a state and an input at a time, without I/O. Every call goes through
 * {@link CheckedDelivery}, so every status change in these scenarios is checked against the transition table.
 */
class DeliveryTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final NotificationFlow FLOW = new NotificationFlow(new FlowId("merchant", 1),
            URI.create("http://127.0.0.1:1/hook"), List.of(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(2)), Optional.empty(), Optional.empty(), NotificationFlow.Success.DEFAULT);

    private static final AttemptResult OK = new AttemptResult.Answered(200, Duration.ofMillis(5));
    private static final AttemptResult SERVER_ERROR = new AttemptResult.Answered(500, Duration.ofMillis(5));
    private static final AttemptResult REFUSED = new AttemptResult.Failed("ConnectException", Duration.ofMillis(1));

    private static NotificationState changed(DeliveryDecision d) {
        assertThat(d).isInstanceOf(DeliveryDecision.Changed.class);
        return ((DeliveryDecision.Changed) d).state();
    }

    @Test
    void aNewNotificationIsDueAtOnceAndAClaimStartsAttemptOneUnderALease() {
        NotificationState s = changed(claim(NotificationState.created(T0), T0, LEASE));

        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.inFlight()).isTrue();
        assertThat(s.nextAttemptAt()).contains(T0.plus(LEASE));
    }

    @Test
    void aClaimBeforeTheDueTimeIsRefused() {
        NotificationState leased = changed(claim(NotificationState.created(T0), T0, LEASE));

        assertThat(claim(leased, T0.plusSeconds(1), LEASE)).isInstanceOf(DeliveryDecision.Refused.class);
    }

    @Test
    void aSuccessDelivers() {
        NotificationState leased = changed(claim(NotificationState.created(T0), T0, LEASE));
        NotificationState s = changed(answer(FLOW, leased, 1, OK, T0.plusMillis(5)));

        assertThat(s.status()).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(s.nextAttemptAt()).isEmpty();
        assertThat(s.inFlight()).isFalse();
    }

    @Test
    void eachFailureWaitsItsScheduledDelayAndTheSchedulePlusOneAttemptsEndInGaveUp() {
        NotificationState s = NotificationState.created(T0);
        Instant now = T0;
        List<Duration> expectedWaits = FLOW.schedule();
        for (int attempt = 1; attempt <= FLOW.maxAttempts(); attempt++) {
            s = changed(claim(s, now, LEASE));
            assertThat(s.attempts()).isEqualTo(attempt);
            now = now.plusMillis(10);
            s = changed(answer(FLOW, s, attempt, attempt % 2 == 0 ? REFUSED : SERVER_ERROR, now));
            if (attempt < FLOW.maxAttempts()) {
                assertThat(s.status()).isEqualTo(NotificationStatus.PENDING);
                assertThat(s.nextAttemptAt()).contains(now.plus(expectedWaits.get(attempt - 1)));
                now = s.nextAttemptAt().orElseThrow();
            }
        }
        assertThat(s.status()).isEqualTo(NotificationStatus.GAVE_UP);
        assertThat(s.attempts()).isEqualTo(4);
        assertThat(s.nextAttemptAt()).isEmpty();
    }

    @Test
    void aStaleFailureIsRefusedButALateSuccessStillDelivers() {
        NotificationState first = changed(claim(NotificationState.created(T0), T0, LEASE));
        // the lease of attempt 1 ends without an outcome: attempt 2 is claimed
        NotificationState second = changed(claim(first, T0.plus(LEASE), LEASE));

        assertThat(answer(FLOW, second, 1, SERVER_ERROR, T0.plus(LEASE).plusSeconds(1)))
                .isInstanceOf(DeliveryDecision.Refused.class);
        assertThat(changed(answer(FLOW, second, 1, OK, T0.plus(LEASE).plusSeconds(1))).status())
                .isEqualTo(NotificationStatus.DELIVERED);
    }

    @Test
    void anAttemptWhoseLeaseEndedIsRepeatedOnceWithoutSpendingTheSchedule() {
        NotificationState first = changed(claim(NotificationState.created(T0), T0, LEASE));
        NotificationState repeat = changed(claim(first, T0.plus(LEASE), LEASE));

        assertThat(repeat.attempts()).isEqualTo(2);
        assertThat(repeat.scheduledAttempts()).isEqualTo(1);   // the voided attempt does not count
        // the repeat fails: the wait is the schedule's first, not its second
        Instant failedAt = T0.plus(LEASE).plusMillis(3);
        NotificationState next = changed(answer(FLOW, repeat, 2, SERVER_ERROR, failedAt));
        assertThat(next.nextAttemptAt()).contains(failedAt.plus(FLOW.schedule().get(0)));
    }

    @Test
    void theLastAttemptInFlightAtACrashIsStillRepeatedBeforeGivingUp() {
        NotificationState s = NotificationState.created(T0);
        Instant now = T0;
        for (int attempt = 1; attempt < FLOW.maxAttempts(); attempt++) {
            s = changed(claim(s, now, LEASE));
            s = changed(answer(FLOW, s, attempt, SERVER_ERROR, now));
            now = s.nextAttemptAt().orElseThrow();
        }
        s = changed(claim(s, now, LEASE));             // the last attempt: the node stops mid-request
        s = changed(claim(s, now.plus(LEASE), LEASE)); // repeated after the lease
        NotificationState end = changed(answer(FLOW, s, s.attempts(), SERVER_ERROR, now.plus(LEASE)));

        assertThat(end.status()).isEqualTo(NotificationStatus.GAVE_UP);
        assertThat(end.attempts()).isEqualTo(FLOW.maxAttempts() + 1);
    }

    @Test
    void anAnswerAfterTheEndIsRefused() {
        NotificationState leased = changed(claim(NotificationState.created(T0), T0, LEASE));
        NotificationState delivered = changed(answer(FLOW, leased, 1, OK, T0));

        assertThat(answer(FLOW, delivered, 1, OK, T0)).isInstanceOf(DeliveryDecision.Refused.class);
    }

    @Test
    void aResendOfAPendingNotificationIsRefused() {
        assertThat(resend(NotificationState.created(T0), T0)).isInstanceOf(DeliveryDecision.Refused.class);
    }

    @Test
    void aResendGivesAFreshScheduleAndAttemptNumbersGoOn() {
        NotificationState s = NotificationState.created(T0);
        Instant now = T0;
        for (int attempt = 1; attempt <= FLOW.maxAttempts(); attempt++) {
            s = changed(claim(s, now, LEASE));
            s = changed(answer(FLOW, s, attempt, REFUSED, now));
            now = s.nextAttemptAt().orElse(now);
        }
        assertThat(s.status()).isEqualTo(NotificationStatus.GAVE_UP);

        Instant resentAt = now.plusSeconds(60);
        NotificationState resent = changed(resend(s, resentAt));
        assertThat(resent.status()).isEqualTo(NotificationStatus.PENDING);
        assertThat(resent.nextAttemptAt()).contains(resentAt);
        assertThat(resent.scheduledAttempts()).isZero();

        NotificationState again = changed(claim(resent, resentAt, LEASE));
        assertThat(again.attempts()).isEqualTo(FLOW.maxAttempts() + 1);
        NotificationState failed = changed(answer(FLOW, again, again.attempts(), REFUSED, resentAt));
        assertThat(failed.nextAttemptAt()).contains(resentAt.plus(FLOW.schedule().get(0)));
    }

    @Test
    void onlyTheFlowsSuccessStatusesDeliver() {
        NotificationFlow accepts409 = new NotificationFlow(FLOW.id(), FLOW.target(), FLOW.schedule(), Optional.empty(),
                Optional.empty(), new NotificationFlow.Success(List.of(NotificationFlow.StatusRange.of(409))));
        NotificationState leased = changed(claim(NotificationState.created(T0), T0, LEASE));

        assertThat(changed(answer(accepts409, leased, 1, new AttemptResult.Answered(409, Duration.ZERO), T0))
                .status()).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(changed(answer(accepts409, leased, 1, OK, T0)).status())
                .isEqualTo(NotificationStatus.PENDING);
    }
}
