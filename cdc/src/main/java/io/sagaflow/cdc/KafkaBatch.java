package io.sagaflow.cdc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Hands a batch of changes to Kafka, the sink of both outbox relays (the engine's and the participant SDK's): every
 * record is sent first (so the producer can batch them), then every acknowledgement is awaited. The batch counts as
 * accepted only when Kafka acknowledged all of it; anything else throws, and the caller retries the whole batch
 * with {@link UntilAccepted} before it lets the change stream's position move (at least once, never lost).
 */
public final class KafkaBatch {

    private KafkaBatch() {
    }

    /** Sends {@code records} and waits up to {@code ackWait} for each acknowledgement. */
    public static <K, V> void sendAndAwait(Producer<K, V> producer, List<ProducerRecord<K, V>> records,
                                           Duration ackWait) throws Exception {
        List<Future<?>> acks = new ArrayList<>(records.size());
        for (ProducerRecord<K, V> record : records) {
            acks.add(producer.send(record));
        }
        for (Future<?> ack : acks) {
            ack.get(ackWait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
