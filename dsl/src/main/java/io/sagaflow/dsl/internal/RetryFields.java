package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.RetryPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * The keys one {@code retry} mapping sets. A step's mapping is laid over the defaults' mapping, which is laid over
 * {@link RetryPolicy#DEFAULT}, key by key: {@code retry: {maxAttempts: 10}} keeps every other default.
 */
record RetryFields(Optional<Integer> maxAttempts, Optional<Backoff> backoff, Optional<Duration> initialDelay,
                   Optional<Duration> maxDelay, Optional<Double> jitter) {

    static final RetryFields NONE =
            new RetryFields(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    static RetryFields of(RetryPolicy policy) {
        return new RetryFields(Optional.of(policy.maxAttempts()), Optional.of(policy.backoff()),
                Optional.of(policy.initialDelay()), Optional.of(policy.maxDelay()), Optional.of(policy.jitter()));
    }

    /** These keys where they are set, {@code base}'s elsewhere. */
    RetryFields over(RetryFields base) {
        return new RetryFields(maxAttempts.or(base::maxAttempts), backoff.or(base::backoff),
                initialDelay.or(base::initialDelay), maxDelay.or(base::maxDelay), jitter.or(base::jitter));
    }

    /**
     * The policy of a complete set of fields.
     *
     * @throws IllegalArgumentException when a value is out of range (the record validates)
     * @throws java.util.NoSuchElementException when a key is unset: merge over a complete base first
     */
    RetryPolicy toPolicy() {
        return new RetryPolicy(maxAttempts.orElseThrow(), backoff.orElseThrow(), initialDelay.orElseThrow(),
                maxDelay.orElseThrow(), jitter.orElseThrow());
    }
}
