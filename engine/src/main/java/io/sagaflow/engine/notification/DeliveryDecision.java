package io.sagaflow.engine.notification;

import java.util.Objects;

/**
 * What {@link Delivery} decided for one input to a notification: a new state, or a refusal with its reason (data,
 * not an exception). Not to be confused with the saga's {@code io.sagaflow.engine.saga.Decision}, which carries
 * events, commands and timers.
 */
public sealed interface DeliveryDecision {

    /** The input changes the notification to {@code state}, by a change {@link NotificationTransitions} declares. */
    record Changed(NotificationState state) implements DeliveryDecision {
        public Changed {
            Objects.requireNonNull(state, "state");
        }
    }

    /** The input does not apply (stale answer, resend of a PENDING notification, ...); nothing changes. */
    record Refused(String reason) implements DeliveryDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
