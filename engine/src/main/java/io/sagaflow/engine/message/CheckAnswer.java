package io.sagaflow.engine.message;

/** What a check-back ({@code GET {url}?messageId=}) found out about a prepared message. */
public enum CheckAnswer {
    /** The producer's local transaction committed: commit the message. */
    COMMITTED,
    /** It rolled back: roll the message back. */
    ROLLED_BACK,
    /** The producer does not know (yet). */
    UNKNOWN,
    /** No usable answer: time-out, connection refused, non-2xx status or an unreadable body. Counts as UNKNOWN. */
    NO_ANSWER
}
