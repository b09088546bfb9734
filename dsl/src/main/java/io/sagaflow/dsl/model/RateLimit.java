package io.sagaflow.dsl.model;

import java.time.Duration;
import java.util.Objects;

/** At most {@code permits} requests per {@code per}: a notification target's or an HTTP participant's limit. */
public record RateLimit(int permits, Duration per) {
    public RateLimit {
        Objects.requireNonNull(per, "per");
        if (permits < 1) {
            throw new IllegalArgumentException("rateLimit.permits must be >= 1, was " + permits);
        }
        if (per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("rateLimit.per must be > 0, was " + per);
        }
    }
}
