package io.sagaflow.connectors.cachesync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** When the owner's periodic reconcile is due: {@code every} after the owner's first check, then every period. */
final class ReconcileSchedule {

    private final Duration every;
    private final Clock clock;
    private Instant next;

    ReconcileSchedule(Duration every, Clock clock) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("reconcile.every must be > 0, was " + every);
        }
        this.every = every;
        this.clock = clock;
    }

    /** True once per period; the first call only starts the period (a new owner does not reconcile at once). */
    synchronized boolean due() {
        Instant now = clock.instant();
        if (next == null) {
            next = now.plus(every);
            return false;
        }
        if (now.isAfter(next)) {
            next = now.plus(every);
            return true;
        }
        return false;
    }
}
