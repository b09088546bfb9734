package io.sagaflow.connectors.outbox;

import io.sagaflow.wire.KafkaHeader;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which column of the engine's outbox table becomes which {@code sagaflow-*} record header (SPEC §5) when the
 * EventRouter publishes a row. The columns that the router itself handles ({@code aggregatetype} = topic,
 * {@code payload} = value) are not listed; {@code aggregateid} is the record key and also the saga id header.
 */
final class OutboxHeaders {

    /** One column placed as one header. */
    record Placement(String column, String header) {
    }

    /** The header the EventRouter itself adds: the row's {@code id} (the same value as {@code sagaflow-message-id}). */
    static final String EVENT_ID = "id";

    /** Prefix of the headers Debezium adds about itself (connector name, run id, task id): not published. */
    static final String DEBEZIUM_CONTEXT = "__debezium.";

    /** Every placement, in the order the router adds the headers. */
    static final List<Placement> PLACEMENTS = List.of(
            new Placement("aggregateid", KafkaHeader.SAGA_ID),
            new Placement("type", KafkaHeader.COMMAND),
            new Placement("id", KafkaHeader.MESSAGE_ID),
            new Placement("step", KafkaHeader.STEP),
            new Placement("kind", KafkaHeader.KIND),
            new Placement("idempotency_key", KafkaHeader.IDEMPOTENCY_KEY),
            new Placement("reply_to", KafkaHeader.REPLY_TO),
            new Placement("http_url", KafkaHeader.HTTP_URL),
            new Placement("http_timeout_ms", KafkaHeader.HTTP_TIMEOUT_MS),
            new Placement("http_protection", KafkaHeader.HTTP_PROTECTION),
            new Placement("traceparent", KafkaHeader.TRACEPARENT));

    private OutboxHeaders() {
    }

    /** The EventRouter's {@code table.fields.additional.placement}: {@code column:header:name,...}. */
    static String eventRouterPlacement() {
        return PLACEMENTS.stream().map(p -> p.column() + ":header:" + p.header()).collect(Collectors.joining(","));
    }
}
