package io.sagaflow.cdc;

import io.debezium.engine.ChangeEvent;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Where a batch of changes goes. The contract is "ack before position": {@link #accept} returns only once the sink
 * has acknowledged every record it keeps (Kafka acked, Redis answered); the runner then marks the batch processed,
 * and Debezium commits its position. A crash in between redelivers the batch (at-least-once), never skips it.
 */
@FunctionalInterface
public interface BatchHandler {

    /**
     * Hands {@code records} (in source order; a record may be a heartbeat or a change the sink ignores) to the sink.
     *
     * @throws InterruptedException when the runner stops before the sink accepted the batch: the position is not
     *                              moved and the batch is read again on the next start
     */
    void accept(List<ChangeEvent<SourceRecord, SourceRecord>> records) throws InterruptedException;
}
