package io.sagaflow.loops;

import java.time.Duration;
import java.util.Objects;

/**
 * A doubling delay: {@code initial} before the first retry, twice that before the second, never more than
 * {@code max}. Used for a restarting connector and for a sink that does not accept a batch yet.
 */
public record Backoff(Duration initial, Duration max) {

    /** {@code initial} > 0 and {@code max} >= {@code initial}. */
    public Backoff {
        Objects.requireNonNull(initial, "backoff initial must not be null");
        Objects.requireNonNull(max, "backoff max must not be null");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff initial must be > 0, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max must be >= initial (" + initial + "), was " + max);
        }
    }

    /** The delay before retry number {@code attempt} (1 = the first retry). */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("backoff attempt must be >= 1, was " + attempt);
        }
        Duration d = initial;
        for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
