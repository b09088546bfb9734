package io.sagaflow.engine.notification;

import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.engine.notification.NotificationTransitions.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The delivery rules of a notification as pure functions: (flow, state, input, time) -> decision. No I/O and no
 * clock; {@link NotificationStore} wraps each in one transaction.
 *
 * <p>A schedule of n waits allows n + 1 attempts. An attempt is claimed before its request is sent: the claim
 * counts it and pushes the due time to the end of a lease. When the lease ends without a recorded outcome (the
 * engine stopped mid-attempt), the next claim voids that attempt instead of counting it, so a restart loses no
 * attempt of the schedule and adds only the repeat of the one in flight.
 *
 * <p>Every change a rule decides is checked against {@link NotificationTransitions}: the table is what the rules
 * do, not a comment about them.
 */
public final class Delivery {

    private Delivery() {
    }

    /** Starts the next attempt at {@code now}; its outcome is expected before {@code now + lease}. */
    public static DeliveryDecision claim(NotificationState state, Instant now, Duration lease) {
        if (!state.dueAt(now)) {
            return new DeliveryDecision.Refused("not due: " + state.status() + ", next attempt at "
                    + state.nextAttemptAt().map(Instant::toString).orElse("never"));
        }
        // An attempt still in flight at a due claim outlived its lease: its outcome is unknown, so it is repeated
        // rather than counted.
        int base = state.inFlight() ? state.scheduleBase() + 1 : state.scheduleBase();
        return changed(Rule.CLAIM, state, new NotificationState(NotificationStatus.PENDING, state.attempts() + 1, base,
                true, Optional.of(now.plus(lease))));
    }

    /**
     * Records the outcome of attempt {@code attempt}. A success delivers the notification even when it comes from
     * an attempt whose lease expired (the receiver has it); a failure counts only for the current attempt.
     */
    public static DeliveryDecision answer(NotificationFlow flow, NotificationState state, int attempt,
                                          AttemptResult result, Instant now) {
        if (state.status() != NotificationStatus.PENDING) {
            return new DeliveryDecision.Refused("attempt " + attempt + " answered after the notification was "
                    + state.status());
        }
        if (result instanceof AttemptResult.Answered a && flow.success().accepts(a.httpStatus())) {
            return changed(Rule.ANSWER, state, new NotificationState(NotificationStatus.DELIVERED, state.attempts(),
                    state.scheduleBase(), false, Optional.empty()));
        }
        if (attempt != state.attempts() || !state.inFlight()) {
            return new DeliveryDecision.Refused("attempt " + attempt + " is stale: attempt " + state.attempts()
                    + " is the current one");
        }
        Optional<Duration> wait = flow.waitBefore(state.scheduledAttempts() + 1);
        if (wait.isEmpty()) {
            return changed(Rule.ANSWER, state, new NotificationState(NotificationStatus.GAVE_UP, state.attempts(),
                    state.scheduleBase(), false, Optional.empty()));
        }
        return changed(Rule.ANSWER, state, new NotificationState(NotificationStatus.PENDING, state.attempts(),
                state.scheduleBase(), false, Optional.of(now.plus(wait.get()))));
    }

    /** An operator or the sender resends a settled notification: a fresh schedule, first attempt due now. */
    public static DeliveryDecision resend(NotificationState state, Instant now) {
        if (state.status() == NotificationStatus.PENDING) {
            return new DeliveryDecision.Refused("the notification is still PENDING (attempt " + state.attempts()
                    + " of its schedule); it can be resent once DELIVERED or GAVE_UP");
        }
        return changed(Rule.RESEND, state, new NotificationState(NotificationStatus.PENDING, state.attempts(),
                state.attempts(), false, Optional.of(now)));
    }

    /**
     * The decision to change {@code from} to {@code to} by {@code rule}. A change the table does not declare is a bug
     * in these rules, not a refusal of the input: it throws, so that no store ever writes it and the tests, which
     * run every rule, fail on it.
     */
    static DeliveryDecision changed(Rule rule, NotificationState from, NotificationState to) {
        if (!NotificationTransitions.allowed(from.status(), rule, to.status())) {
            throw new IllegalStateException(rule + " would change a notification from " + from.status() + " to "
                    + to.status() + ", which NotificationTransitions does not declare");
        }
        return new DeliveryDecision.Changed(to);
    }
}
