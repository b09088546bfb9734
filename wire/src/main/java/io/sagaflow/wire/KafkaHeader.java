package io.sagaflow.wire;

/**
 * The Kafka record headers of commands and replies (SPEC §5). A command record is keyed by saga id, its value is
 * the step input as JSON; a reply is keyed by saga id too, so one saga's replies stay in order.
 */
public final class KafkaHeader {

    /** The saga the command belongs to (also the record key). On commands and replies. */
    public static final String SAGA_ID = "sagaflow-saga-id";
    /** The step of the flow. On commands and replies. */
    public static final String STEP = "sagaflow-step";
    /** The {@link CommandKind} in its wire spelling. On commands and replies. */
    public static final String KIND = "sagaflow-kind";
    /** The participant's command name. On commands. */
    public static final String COMMAND = "sagaflow-command";
    /** The id of this attempt's message (the outbox row id); the reply carries it back. On commands and replies. */
    public static final String MESSAGE_ID = "sagaflow-message-id";
    /** The {@link StepIdempotencyKey}, the same on every attempt of one run. On commands. */
    public static final String IDEMPOTENCY_KEY = "sagaflow-idempotency-key";
    /** The topic to reply on; {@link #DEFAULT_REPLY_TOPIC} when absent. On commands. */
    public static final String REPLY_TO = "sagaflow-reply-to";
    /** The {@link ReplyOutcome}: SUCCESS, FAILURE, RETRY (or DEFERRED, from the engine's HTTP connector). On replies. */
    public static final String OUTCOME = "sagaflow-outcome";

    /**
     * Only on commands for HTTP participants, between the engine and its HTTP connector (participants never see
     * it): the URL the connector posts to.
     */
    public static final String HTTP_URL = "sagaflow-http-url";
    /** Only on commands for HTTP participants, like {@link #HTTP_URL}: the request timeout in milliseconds. */
    public static final String HTTP_TIMEOUT_MS = "sagaflow-http-timeout-ms";
    /**
     * Only on commands for HTTP participants that declare a protection, like {@link #HTTP_URL}: the circuit breaker,
     * bulkhead and rate limit the connector applies, as {@link HttpProtection#encode()} spells them.
     */
    public static final String HTTP_PROTECTION = "sagaflow-http-protection";
    /**
     * On a {@link ReplyOutcome#DEFERRED} reply: after how many milliseconds the engine sends the same attempt again.
     */
    public static final String RETRY_AFTER_MS = "sagaflow-retry-after-ms";

    /**
     * W3C Trace Context ({@code 00-<trace id>-<span id>-<flags>}) of the span that sent this record, when tracing is on:
     * on commands (the step attempt's span) and replies (the participant's span), so that one saga is one trace. The
     * same name as the HTTP header. Optional: a participant that does not trace may drop it or pass it through.
     */
    public static final String TRACEPARENT = "traceparent";

    /** The reply topic of a command that names none in {@link #REPLY_TO}, and the engine's default. */
    public static final String DEFAULT_REPLY_TOPIC = "sagaflow.replies";

    private KafkaHeader() {
    }
}
