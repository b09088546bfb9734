package io.sagaflow.connectors.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.wire.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who publishes an outbox row: the writer right after its commit, or the relay when that did not happen. */
class DirectSendsTest {

    private final ExecutorService sender = Executors.newSingleThreadExecutor();
    private final DirectSends direct = new DirectSends(sender);

    @AfterEach
    void stop() {
        sender.shutdownNow();
    }

    private static MockProducer<byte[], byte[]> producer(boolean acknowledges) {
        return new MockProducer<>(acknowledges, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<byte[], byte[]> command(UUID id, String payload) {
        return DirectSends.record("payments", "saga-1", payload, Map.of("aggregateid", "saga-1", "id", id,
                "type", "charge", "step", "charge", "kind", "ACTION"));
    }

    @Test
    void aCommittedAndAcknowledgedRecordIsNotPublishedAgainByTheRelay() throws Exception {
        MockProducer<byte[], byte[]> kafka = producer(true);
        direct.open(kafka);
        UUID id = UUID.randomUUID();
        DirectSends.Batch batch = direct.batch();
        batch.reserve(List.of(command(id, "{\"amount\":10}")));
        batch.committed();

        // The relay reads the row as PostgreSQL's jsonb renders it: the same JSON, other spacing.
        assertThat(direct.relayed(command(id, "{\"amount\": 10}"), Duration.ofSeconds(5))).isEqualTo(DirectSends.Outcome.SENT);
        assertThat(kafka.history()).hasSize(1);
        assertThat(direct.reservedCount()).isZero();
    }

    @Test
    void anAbandonedTransactionLeavesItsRowsToTheRelayAndSendsNothing() throws Exception {
        MockProducer<byte[], byte[]> kafka = producer(true);
        direct.open(kafka);
        UUID id = UUID.randomUUID();
        DirectSends.Batch batch = direct.batch();
        batch.reserve(List.of(command(id, "{}")));
        batch.abandoned();
        batch.committed();   // too late: the relay owns it

        assertThat(direct.relayed(command(id, "{}"), Duration.ofSeconds(1))).isEqualTo(DirectSends.Outcome.RELAY);
        Thread.sleep(100);
        assertThat(kafka.history()).isEmpty();
    }

    @Test
    void aRetriedTransactionKeepsItsReservationWhenTheFailedAttemptIsAbandonedLate() throws Exception {
        // Message ids are derived from the saga, step and attempt: a retried batch reserves the same ids again.
        MockProducer<byte[], byte[]> kafka = producer(true);
        direct.open(kafka);
        UUID id = UUID.randomUUID();
        DirectSends.Batch failed = direct.batch();
        failed.reserve(List.of(command(id, "{}")));
        DirectSends.Batch retry = direct.batch();
        retry.reserve(List.of(command(id, "{}")));
        failed.abandoned();
        retry.committed();

        assertThat(direct.relayed(command(id, "{}"), Duration.ofSeconds(5))).isEqualTo(DirectSends.Outcome.SENT);
        assertThat(kafka.history()).hasSize(1);
    }

    @Test
    void aSendKafkaRefusedIsPublishedByTheRelay() throws Exception {
        MockProducer<byte[], byte[]> kafka = producer(false);
        direct.open(kafka);
        UUID id = UUID.randomUUID();
        DirectSends.Batch batch = direct.batch();
        batch.reserve(List.of(command(id, "{}")));
        batch.committed();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 1);
        kafka.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker away"));

        assertThat(direct.relayed(command(id, "{}"), Duration.ofSeconds(5))).isEqualTo(DirectSends.Outcome.RELAY);
    }

    @Test
    void aRowTheWriterNeverReportedOnIsPublishedByTheRelayAfterTheWaitAndNeverSentDirectly() throws Exception {
        MockProducer<byte[], byte[]> kafka = producer(true);
        direct.open(kafka);
        UUID id = UUID.randomUUID();
        DirectSends.Batch batch = direct.batch();
        batch.reserve(List.of(command(id, "{}")));

        long started = System.nanoTime();
        assertThat(direct.relayed(command(id, "{}"), Duration.ofMillis(300))).isEqualTo(DirectSends.Outcome.RELAY);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        batch.committed();
        Thread.sleep(100);
        assertThat(kafka.history()).isEmpty();
    }

    @Test
    void aDifferenceBetweenTheTwoPathsIsReported() throws Exception {
        direct.open(producer(true));
        UUID id = UUID.randomUUID();
        DirectSends.Batch batch = direct.batch();
        batch.reserve(List.of(command(id, "{\"amount\":10}")));
        batch.committed();

        assertThat(direct.relayed(command(id, "{\"amount\":11}"), Duration.ofSeconds(5)))
                .isEqualTo(DirectSends.Outcome.SENT_DIFFERENT);
    }

    @Test
    void closedDirectSendsGiveNoBatchAndHandReservationsToTheRelay() throws Exception {
        MockProducer<byte[], byte[]> kafka = producer(true);
        direct.open(kafka);
        UUID id = UUID.randomUUID();
        DirectSends.Batch batch = direct.batch();
        batch.reserve(List.of(command(id, "{}")));
        direct.close();
        batch.committed();

        assertThat(direct.batch()).isSameAs(DirectSends.Batch.NONE);
        assertThat(direct.relayed(command(id, "{}"), Duration.ofSeconds(1))).isEqualTo(DirectSends.Outcome.RELAY);
        Thread.sleep(100);
        assertThat(kafka.history()).isEmpty();
    }

    @Test
    void theRecordCarriesOneHeaderPerNonNullColumn() {
        ProducerRecord<byte[], byte[]> r = DirectSends.record("t", "k", "{}", Map.of("id", "m-1", "kind", "ACTION"));
        assertThat(new String(r.headers().lastHeader(KafkaHeader.MESSAGE_ID).value(), StandardCharsets.UTF_8)).isEqualTo("m-1");
        assertThat(r.headers().lastHeader(KafkaHeader.HTTP_URL)).isNull();
        assertThat(new String(r.headers().lastHeader("id").value(), StandardCharsets.UTF_8)).isEqualTo("m-1");
        assertThat(r.headers().toArray()).hasSize(3);
    }
}
