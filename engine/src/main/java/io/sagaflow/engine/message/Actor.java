package io.sagaflow.engine.message;

/** Who decided a message; kept in its events for the audit. */
public enum Actor {
    /** The producer, through {@code POST /api/messages/{id}/commit|rollback}. */
    PRODUCER,
    /** The engine, from a check-back answer. */
    CHECK_BACK,
    /** An operator, by redriving the message's dead letter. */
    OPERATOR
}
