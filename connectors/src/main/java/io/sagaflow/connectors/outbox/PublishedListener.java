package io.sagaflow.connectors.outbox;

import java.util.List;

/**
 * Told by the {@link OutboxRelay} which outbox rows Kafka just acknowledged, before the relay commits their offsets.
 * Implement it as a CDI bean to act on publication (the engine marks reliable messages DELIVERED); with no bean the
 * relay tells no one.
 *
 * <p>A listener that throws is called again with the same batch (the offsets wait), so it must be idempotent: the
 * relay is at-least-once, and after a crash between Kafka's acknowledgement and the offset commit it publishes, and
 * tells, a batch again.
 */
public interface PublishedListener {

    /**
     * One record Kafka acknowledged.
     *
     * @param id    the outbox row id (header {@code sagaflow-message-id})
     * @param kind  header {@code sagaflow-kind} (e.g. {@code message}, {@code action}, {@code dead-letter})
     * @param topic where it was published
     */
    record Published(String id, String kind, String topic) {
    }

    /** Called on the relay's thread with every record of an acknowledged batch (never empty). */
    void published(List<Published> records) throws Exception;
}
