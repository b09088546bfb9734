package io.sagaflow.engine.notification;

/** The life of a notification (SPEC §3.3). Allowed changes are declared once, in {@link NotificationTransitions}. */
public enum NotificationStatus {
    /** Waiting for its next attempt, or in one. */
    PENDING,
    /** The target answered with a success status. */
    DELIVERED,
    /** The schedule is spent without a success; listed as a dead letter until resent. */
    GAVE_UP
}
