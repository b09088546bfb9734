package io.sagaflow.engine.deadletter;

/** The life of a dead letter: OPEN until an operator redrives it or its origin is settled another way. */
public enum DeadLetterStatus {
    /** Waiting for an operator. */
    OPEN,
    /** Handed back to its source by a redrive; the redrive's outcome follows the origin. */
    REDRIVEN,
    /** Settled without a redrive (e.g. an operator retried the saga or committed the message directly). */
    RESOLVED
}
