package io.sagaflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class KafkaBatchTest {

    private static final List<ProducerRecord<String, String>> BATCH = List.of(
            new ProducerRecord<>("t", "saga-1", "a"), new ProducerRecord<>("t", "saga-1", "b"),
            new ProducerRecord<>("t", "saga-2", "c"));

    @Test
    void aBatchIsAcceptedWhenKafkaAcknowledgedEveryRecordInOrder() throws Exception {
        MockProducer<String, String> kafka = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());

        KafkaBatch.sendAndAwait(kafka, BATCH, Duration.ofSeconds(1));

        assertThat(kafka.history()).containsExactlyElementsOf(BATCH);
    }

    @Test
    void aRecordKafkaNeverAcknowledgesFailsTheBatch() {
        MockProducer<String, String> kafka = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());

        assertThatThrownBy(() -> KafkaBatch.sendAndAwait(kafka, BATCH, Duration.ofMillis(50)))
                .isInstanceOf(TimeoutException.class);
        assertThat(kafka.history()).as("all were sent before the first wait").hasSize(3);
    }

    @Test
    void aRefusedRecordFailsTheBatchEvenWhenTheOthersLanded() {
        MockProducer<String, String> kafka = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                KafkaBatch.sendAndAwait(kafka, BATCH, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().until(() -> kafka.history().size() == 3);

        kafka.completeNext();
        kafka.errorNext(new RuntimeException("not leader"));
        kafka.completeNext();

        assertThatThrownBy(sending::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("not leader");
    }
}
