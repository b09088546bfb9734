package io.sagaflow.participant;

/**
 * How the producer's local transaction of a reliable message ended, as the producer's own database records it in
 * {@code sagaflow_message_status}: what the check-back answers (SPEC §3.2). Not the engine's status of the message
 * itself (PREPARED, COMMITTED, DELIVERED, ...), which lives in the engine.
 */
public enum LocalTxStatus {
    /** The local transaction committed: deliver the message. */
    COMMITTED,
    /** The local transaction did not commit and now never will: drop the message. */
    ROLLED_BACK,
    /** The producer cannot tell (never answered by {@link CheckBackHandler}, which always decides). */
    UNKNOWN
}
