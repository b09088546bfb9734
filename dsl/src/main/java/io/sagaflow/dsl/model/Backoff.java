package io.sagaflow.dsl.model;

/** How the wait between attempts grows. */
public enum Backoff {
    /** Every wait is {@code initialDelay}. */
    FIXED,
    /** The wait doubles after each attempt, from {@code initialDelay} up to {@code maxDelay}. */
    EXPONENTIAL
}
