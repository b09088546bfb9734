package io.sagaflow.dsl.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a step's command is attempted and how long the engine waits between attempts.
 *
 * @param maxAttempts attempts in all, the first included (so 1 means no retry)
 * @param jitter      fraction in [0, 1]: each wait is spread uniformly over {@code delay * (1 ± jitter)}
 */
public record RetryPolicy(int maxAttempts, Backoff backoff, Duration initialDelay, Duration maxDelay, double jitter) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(3, Backoff.EXPONENTIAL, Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.maxAttempts must be >= 1, was " + maxAttempts);
        }
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("retry.initialDelay must be >= 0, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "retry.maxDelay must be >= initialDelay (" + initialDelay + "), was " + maxDelay);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("retry.jitter must be in [0, 1], was " + jitter);
        }
    }

    /**
     * The wait before attempt {@code nextAttempt} (2 for the first retry).
     *
     * @param unit a number in [0, 1) that picks the point inside the jitter band; the caller supplies it so
     *             that this stays a pure function (the engine derives it from the saga id and attempt)
     */
    public Duration delayBefore(int nextAttempt, double unit) {
        if (nextAttempt < 2) {
            throw new IllegalArgumentException("nextAttempt must be >= 2, was " + nextAttempt);
        }
        long base = initialDelay.toMillis();
        if (backoff == Backoff.EXPONENTIAL) {
            int doublings = Math.min(nextAttempt - 2, 40);
            base = saturatedShift(base, doublings);
        }
        base = Math.min(base, maxDelay.toMillis());
        double factor = 1 + jitter * (2 * unit - 1);
        long millis = Math.round(base * factor);
        return Duration.ofMillis(Math.max(0, millis));
    }

    private static long saturatedShift(long value, int shift) {
        return value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift;
    }
}
