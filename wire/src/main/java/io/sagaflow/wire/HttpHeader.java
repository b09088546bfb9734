package io.sagaflow.wire;

/**
 * The HTTP request headers of a command call {@code POST {url}/{command}} (SPEC §5); the body is the step input
 * as JSON. HTTP header names are case-insensitive: compare them that way.
 */
public final class HttpHeader {

    /** The saga the command belongs to. */
    public static final String SAGA_ID = "Sagaflow-Saga-Id";
    /** The step of the flow. */
    public static final String STEP = "Sagaflow-Step";
    /** The {@link CommandKind} in its wire spelling. */
    public static final String KIND = "Sagaflow-Kind";
    /**
     * The id of this attempt's message, as {@link KafkaHeader#MESSAGE_ID} on a Kafka command: a redelivered copy
     * of one attempt carries the same id, a new attempt a new one.
     */
    public static final String MESSAGE_ID = "Sagaflow-Message-Id";
    /** The {@link StepIdempotencyKey}, the same on every attempt of one run. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private HttpHeader() {
    }
}
