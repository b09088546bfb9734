package io.sagaflow.engine.saga;

/** Status of a saga (SPEC §3.1). Allowed changes are declared once, in {@link Transitions}. */
public enum SagaStatus {
    RUNNING, COMPENSATING, COMPLETED, COMPENSATED, FAILED;

    /** No more input changes a terminal saga (an operator retry of a FAILED one comes later, as its own event). */
    public boolean terminal() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
}
