package io.sagaflow.engine.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.engine.notification.NotificationTransitions.Rule;
import java.time.Duration;
import java.time.Instant;

/**
 * The rules of {@link Delivery} as the tests call them: every decision is checked against
 * {@link NotificationTransitions} on the way out, independently of the check inside {@code Delivery}, so each
 * scenario of the tests is also a scenario of the table.
 */
final class CheckedDelivery {

    private CheckedDelivery() {
    }

    static DeliveryDecision claim(NotificationState state, Instant now, Duration lease) {
        return checked(Rule.CLAIM, state, Delivery.claim(state, now, lease));
    }

    static DeliveryDecision answer(NotificationFlow flow, NotificationState state, int attempt, AttemptResult result,
                                   Instant now) {
        return checked(Rule.ANSWER, state, Delivery.answer(flow, state, attempt, result, now));
    }

    static DeliveryDecision resend(NotificationState state, Instant now) {
        return checked(Rule.RESEND, state, Delivery.resend(state, now));
    }

    /** A change is one the table declares for this rule; a refusal gives its reason. */
    static DeliveryDecision checked(Rule rule, NotificationState before, DeliveryDecision decision) {
        if (decision instanceof DeliveryDecision.Changed changed) {
            assertThat(NotificationTransitions.allowed(before.status(), rule, changed.state().status()))
                    .as("%s: %s -> %s is not in NotificationTransitions", rule, before.status(),
                            changed.state().status())
                    .isTrue();
        } else {
            assertThat(((DeliveryDecision.Refused) decision).reason()).as("%s refused without a reason", rule)
                    .isNotBlank();
        }
        return decision;
    }
}
