package io.sagaflow.dsl.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP connector protects one HTTP participant (docs/flows.md, "Protecting a participant"). Calls the
 * protection holds back are not attempts: the engine sends the same attempt again when the protection lets it.
 *
 * @param circuitBreaker stop calling an instance set that keeps failing, try again after a delay
 * @param bulkhead       at most this many calls at once, per engine node
 * @param rateLimit      at most this many calls per period, shared by the engine nodes that run the connector
 */
public record Protection(Optional<CircuitBreaker> circuitBreaker, Optional<Integer> bulkhead,
                         Optional<RateLimit> rateLimit) {

    /** No protection: every command is called at once. */
    public static final Protection NONE = new Protection(Optional.empty(), Optional.empty(), Optional.empty());

    public Protection {
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        Objects.requireNonNull(bulkhead, "bulkhead");
        Objects.requireNonNull(rateLimit, "rateLimit");
        bulkhead.ifPresent(b -> {
            if (b < 1) {
                throw new IllegalArgumentException("bulkhead must be >= 1, was " + b);
            }
        });
    }

    public boolean none() {
        return circuitBreaker.isEmpty() && bulkhead.isEmpty() && rateLimit.isEmpty();
    }

    /**
     * Opens when at least {@code failureRatio} of the last {@code requestVolume} calls failed (no answer, or an
     * answer that means RETRY); after {@code delay} it lets {@code successThreshold} trial calls through, and closes
     * when they all succeed. A business failure (409/422) is an answer, not a failure of the participant.
     */
    public record CircuitBreaker(double failureRatio, int requestVolume, Duration delay, int successThreshold) {

        public static final double DEFAULT_FAILURE_RATIO = 0.5;
        public static final int DEFAULT_REQUEST_VOLUME = 20;
        public static final Duration DEFAULT_DELAY = Duration.ofSeconds(10);
        public static final int DEFAULT_SUCCESS_THRESHOLD = 1;

        public CircuitBreaker {
            Objects.requireNonNull(delay, "delay");
            if (!(failureRatio > 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("circuitBreaker.failureRatio must be in (0, 1], was " + failureRatio);
            }
            if (requestVolume < 1) {
                throw new IllegalArgumentException("circuitBreaker.requestVolume must be >= 1, was " + requestVolume);
            }
            if (successThreshold < 1) {
                throw new IllegalArgumentException(
                        "circuitBreaker.successThreshold must be >= 1, was " + successThreshold);
            }
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("circuitBreaker.delay must be > 0, was " + delay);
            }
        }
    }
}
