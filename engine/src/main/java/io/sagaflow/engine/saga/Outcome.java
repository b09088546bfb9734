package io.sagaflow.engine.saga;


/** A participant's answer to one command (header {@code sagaflow-outcome}, SPEC §5). */
public enum Outcome {
    /** Done; the body is the step output. */
    SUCCESS,
    /** Business failure: retrying cannot help. */
    FAILURE,
    /** Transient failure: the engine retries by the step's policy. */
    RETRY
}
