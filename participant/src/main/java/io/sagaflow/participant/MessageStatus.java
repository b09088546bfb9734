package io.sagaflow.participant;

/** A reliable message's fate as its producer knows it: what the check-back answers (SPEC §3.2). */
public enum MessageStatus {
    /** The local transaction committed: deliver the message. */
    COMMITTED,
    /** The local transaction did not commit and now never will: drop the message. */
    ROLLED_BACK,
    /** The producer cannot tell (never answered by {@link CheckBackHandler}, which always decides). */
    UNKNOWN
}
