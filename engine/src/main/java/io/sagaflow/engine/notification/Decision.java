package io.sagaflow.engine.notification;

import java.util.Objects;

/** What {@link Delivery} decided for one input: a new state, or a refusal with its reason (data, not an exception). */
public sealed interface Decision {

    /** The input changes the notification to {@code state}. */
    record Changed(NotificationState state) implements Decision {
        public Changed {
            Objects.requireNonNull(state, "state");
        }
    }

    /** The input does not apply (stale answer, resend of a PENDING notification, ...); nothing changes. */
    record Refused(String reason) implements Decision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
