package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.wire.KafkaHeader;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kafka runner end to end: an in-JVM KRaft broker, a participant on a fresh database, real records. */
class KafkaParticipantRunnerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMANDS = "payments.commands";
    private static final String REPLIES = "test.replies";
    private static final String GROUP = "payments-" + UUID.randomUUID();

    private static EmbeddedKafkaBroker kafka;
    private static String bootstrap;
    private static TestDatabase db;
    private static KafkaParticipantRunner runner;
    private static KafkaProducer<String, String> producer;
    private static KafkaConsumer<String, String> replies;
    private static final List<ConsumerRecord<String, String>> received = new CopyOnWriteArrayList<>();
    private static final AtomicInteger charges = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafkaBroker().withKafkaPort(freePort()).withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true).start();
        bootstrap = kafka.getAdvertisedListeners().replace("PLAINTEXT://", "");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(COMMANDS, 2, (short) 1), new NewTopic(REPLIES, 1, (short) 1)))
                    .all().get();
        }
        db = new TestDatabase();
        try (Connection c = db.connect()) {
            Barrier.createTable(c);
        }
        db.execute("CREATE TABLE payments (saga_id text PRIMARY KEY, amount int)");
        JdbcParticipant payments = new JdbcParticipant(db.dataSource())
                .on("charge", (ctx, input, tx) -> {
                    charges.incrementAndGet();
                    if (input.path("amount").asInt() > 100) {
                        throw new BusinessFailure("limit-exceeded", "amount over 100");
                    }
                    try (PreparedStatement st = tx.prepareStatement("INSERT INTO payments VALUES (?, ?)")) {
                        st.setString(1, ctx.sagaId());
                        st.setInt(2, input.path("amount").asInt());
                        st.executeUpdate();
                    }
                    return JSON.createObjectNode().put("paymentId", "p-" + ctx.sagaId());
                });
        runner = new KafkaParticipantRunner(payments, new KafkaParticipantRunner.Options(bootstrap, COMMANDS, GROUP))
                .start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "replies-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        replies = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        replies.subscribe(List.of(REPLIES));
    }

    @AfterAll
    static void stop() throws Exception {
        runner.close();
        producer.close();
        replies.close();
        kafka.close();
        db.close();
    }

    private static ProducerRecord<String, String> command(String sagaId, String messageId, String value) {
        return command(sagaId, sagaId, messageId, value);
    }

    private static ProducerRecord<String, String> command(String key, String sagaId, String messageId, String value) {
        ProducerRecord<String, String> r = new ProducerRecord<>(COMMANDS, key, value);
        header(r, KafkaHeader.SAGA_ID, sagaId);
        header(r, KafkaHeader.STEP, "charge-card");
        header(r, KafkaHeader.KIND, "action");
        header(r, KafkaHeader.COMMAND, "charge");
        header(r, KafkaHeader.MESSAGE_ID, messageId);
        header(r, KafkaHeader.IDEMPOTENCY_KEY, sagaId + ":charge-card:action");
        header(r, KafkaHeader.REPLY_TO, REPLIES);
        return r;
    }

    private static void header(ProducerRecord<String, String> r, String name, String value) {
        r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<String, String>> repliesFor(String sagaId, int expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            replies.poll(Duration.ofMillis(100)).forEach(received::add);
            return received.stream().filter(r -> sagaId.equals(r.key())).count() >= expected;
        });
        return received.stream().filter(r -> sagaId.equals(r.key())).toList();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void commandIsAnsweredWithTheOutputAndTheCommandsHeaders() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        String messageId = UUID.randomUUID().toString();
        producer.send(command(sagaId, messageId, "{\"amount\": 40}")).get();

        ConsumerRecord<String, String> reply = repliesFor(sagaId, 1).get(0);
        assertThat(header(reply, KafkaHeader.OUTCOME)).isEqualTo("SUCCESS");
        assertThat(header(reply, KafkaHeader.MESSAGE_ID)).isEqualTo(messageId);
        assertThat(header(reply, KafkaHeader.STEP)).isEqualTo("charge-card");
        assertThat(header(reply, KafkaHeader.KIND)).isEqualTo("action");
        assertThat(JSON.readTree(reply.value()).path("paymentId").asText()).isEqualTo("p-" + sagaId);
    }

    @Test
    void duplicateCommandRecordGetsTheSameReplyAndChargesOnce() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        int before = charges.get();
        producer.send(command(sagaId, UUID.randomUUID().toString(), "{\"amount\": 7}")).get();
        producer.send(command(sagaId, UUID.randomUUID().toString(), "{\"amount\": 7}")).get();

        List<ConsumerRecord<String, String>> answers = repliesFor(sagaId, 2);
        assertThat(answers).extracting(ConsumerRecord::value).containsOnly(answers.get(0).value());
        assertThat(answers).extracting(r -> header(r, KafkaHeader.OUTCOME)).containsOnly("SUCCESS");
        assertThat(charges.get() - before).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM payments WHERE saga_id = '" + sagaId + "'")).isEqualTo(1);
    }

    @Test
    void businessFailureIsAnsweredAsFailureWithCodeAndMessage() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        producer.send(command(sagaId, UUID.randomUUID().toString(), "{\"amount\": 500}")).get();

        ConsumerRecord<String, String> reply = repliesFor(sagaId, 1).get(0);
        assertThat(header(reply, KafkaHeader.OUTCOME)).isEqualTo("FAILURE");
        JsonNode body = JSON.readTree(reply.value());
        assertThat(body.path("code").asText()).isEqualTo("limit-exceeded");
        assertThat(body.path("message").asText()).isEqualTo("amount over 100");
    }

    @Test
    void unreadableRecordIsAnsweredAndDoesNotBlockThePartition() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        producer.send(command(sagaId, UUID.randomUUID().toString(), "{not json")).get();
        ProducerRecord<String, String> noAddress = new ProducerRecord<>(COMMANDS, sagaId, "{}");
        producer.send(noAddress).get();
        String nextSaga = UUID.randomUUID().toString();
        // Same record key as the bad ones, so the same partition.
        producer.send(command(sagaId, nextSaga, UUID.randomUUID().toString(), "{\"amount\": 1}")).get();

        ConsumerRecord<String, String> reply = repliesFor(sagaId, 1).get(0);
        assertThat(header(reply, KafkaHeader.OUTCOME)).isEqualTo("FAILURE");
        assertThat(JSON.readTree(reply.value()).path("code").asText())
                .isEqualTo(KafkaParticipantRunner.UNREADABLE_COMMAND);
        assertThat(repliesFor(nextSaga, 1)).extracting(r -> header(r, KafkaHeader.OUTCOME)).containsExactly("SUCCESS");
    }

    @Test
    void offsetsAreCommittedAfterTheRepliesWereAcknowledged() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        producer.send(command(sagaId, UUID.randomUUID().toString(), "{\"amount\": 3}")).get();
        repliesFor(sagaId, 1);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaConsumer<String, String> probe = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                     new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(COMMANDS, 0), new TopicPartition(COMMANDS, 1));
            Map<TopicPartition, Long> ends = probe.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                for (TopicPartition tp : partitions) {
                    long end = ends.get(tp);
                    long at = committed.containsKey(tp) ? committed.get(tp).offset() : 0;
                    assertThat(at).as("committed offset of %s", tp).isGreaterThanOrEqualTo(end);
                }
            });
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
