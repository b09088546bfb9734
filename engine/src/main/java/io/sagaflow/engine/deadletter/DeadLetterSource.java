package io.sagaflow.engine.deadletter;

/** Where a dead letter comes from; each source has its own {@link Redriver}. */
public enum DeadLetterSource {
    /** A participant's reply the engine could not read or apply (a poison record). */
    REPLY,
    /** A saga that ended FAILED: a compensation, cancel or confirm spent its retries. */
    SAGA,
    /** A reliable message left UNDECIDED: every check-back answered UNKNOWN. */
    MESSAGE,
    /** A committed message a consumer could not process within its delivery retries. */
    MESSAGE_DELIVERY,
    /** A notification whose schedule is spent (GAVE_UP). */
    NOTIFICATION
}
