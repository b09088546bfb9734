package io.sagaflow.engine.saga;

/** Status of one step (SPEC §3.1). Allowed changes are declared once, in {@link Transitions}. */
public enum StepStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED, COMPENSATING, COMPENSATED, CONFIRMED, CANCELLED, SKIPPED
}
