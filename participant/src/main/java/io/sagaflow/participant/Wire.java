package io.sagaflow.participant;

/**
 * The names Sagaflow puts on the wire (SPEC §5): Kafka record headers of commands and replies, and the HTTP
 * headers of a command call. One place, so a participant and the engine cannot drift apart on a spelling.
 */
public final class Wire {

    /** Kafka header: the saga the command belongs to (also the record key). */
    public static final String SAGA_ID = "sagaflow-saga-id";
    /** Kafka header: the step of the flow. */
    public static final String STEP = "sagaflow-step";
    /** Kafka header: action, compensation, try, confirm or cancel. */
    public static final String KIND = "sagaflow-kind";
    /** Kafka header: the participant's command name (what {@link Participant#on} registered). */
    public static final String COMMAND = "sagaflow-command";
    /** Kafka header: the id of this attempt's message; the reply carries it back. */
    public static final String MESSAGE_ID = "sagaflow-message-id";
    /** Kafka header: {@code {sagaId}:{step}:{kind}[:n]}, the same on every attempt of one run. */
    public static final String IDEMPOTENCY_KEY = "sagaflow-idempotency-key";
    /** Kafka header: the topic to send the reply to. */
    public static final String REPLY_TO = "sagaflow-reply-to";
    /** Kafka header of a reply: SUCCESS, FAILURE or RETRY. */
    public static final String OUTCOME = "sagaflow-outcome";

    /** HTTP header: the saga the command belongs to. */
    public static final String HTTP_SAGA_ID = "Sagaflow-Saga-Id";
    /** HTTP header: the step of the flow. */
    public static final String HTTP_STEP = "Sagaflow-Step";
    /** HTTP header: action, compensation, try, confirm or cancel. */
    public static final String HTTP_KIND = "Sagaflow-Kind";
    /** HTTP header: {@code {sagaId}:{step}:{kind}[:n]}. */
    public static final String HTTP_IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The reply topic when a command names none. */
    public static final String DEFAULT_REPLY_TOPIC = "sagaflow.replies";

    private Wire() {
    }
}
