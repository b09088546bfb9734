package io.sagaflow.engine.notification;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What delivery needs to know about one notification: the row of table {@code notification} without its payload.
 *
 * @param attempts      attempts ever started; attempt numbers are 1, 2, ... and never repeat, also across resends
 * @param scheduleBase  attempts that do not count against the current schedule: those before a resend, and those
 *                      voided because their lease expired without an outcome (the engine stopped mid-attempt)
 * @param inFlight      the latest attempt is claimed and its outcome not yet recorded
 * @param nextAttemptAt when the next attempt is due while PENDING (during an attempt: the end of its lease)
 */
public record NotificationState(NotificationStatus status, int attempts, int scheduleBase, boolean inFlight,
                                Optional<Instant> nextAttemptAt) {

    public NotificationState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        if (attempts < 0 || scheduleBase < 0 || scheduleBase > attempts) {
            throw new IllegalArgumentException("need 0 <= scheduleBase <= attempts, was " + scheduleBase + " and "
                    + attempts);
        }
        if (status == NotificationStatus.PENDING && nextAttemptAt.isEmpty()) {
            throw new IllegalArgumentException("a PENDING notification needs a due time");
        }
    }

    /** A new notification: due at once. */
    public static NotificationState created(Instant now) {
        return new NotificationState(NotificationStatus.PENDING, 0, 0, false, Optional.of(now));
    }

    /** Attempts counted against the current schedule. */
    public int scheduledAttempts() {
        return attempts - scheduleBase;
    }

    /** Whether a claim at {@code now} may start an attempt. */
    public boolean dueAt(Instant now) {
        return status == NotificationStatus.PENDING && !nextAttemptAt.orElseThrow().isAfter(now);
    }
}
