package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local message table relayed by the SDK's own Debezium relay, on the real PostgreSQL and an in-JVM Kafka:
 * committed messages arrive with their key and headers, rolled-back ones never, and a relay stopped and started again
 * (a participant restart) neither loses nor needs the messages committed while it was down.
 */
class LocalOutboxRelayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "points.events";

    private EmbeddedKafkaBroker kafka;
    private String bootstrap;
    private TestDatabase db;
    private LocalOutboxRelay.Options options;
    private LocalOutboxRelay relay;
    private KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        kafka = new EmbeddedKafkaBroker().withKafkaPort(KafkaParticipantRunnerIT.freePort())
                .withControllerPort(KafkaParticipantRunnerIT.freePort()).withDeleteLogDirsOnClose(true).start();
        bootstrap = kafka.getAdvertisedListeners().replace("PLAINTEXT://", "");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        db = new TestDatabase();
        String unique = db.name;   // unique per run: slot and publication names follow it
        options = new LocalOutboxRelay.Options(db.url, TestDatabase.USER, "", unique + "_slot", unique + "_pub",
                "sagaflow_local_outbox_offsets", bootstrap);
        relay = LocalOutboxRelay.start(options);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(TOPIC));
    }

    @AfterEach
    void stop() throws Exception {
        consumer.close();
        if (relay != null) {
            relay.close();
        }
        // the slot would keep WAL forever and blocks dropping the database
        TestDatabase.admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                + options.slot() + "'");
        db.close();
        kafka.close();
    }

    private UUID write(String key, int points, boolean commit) throws Exception {
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            UUID id = LocalOutbox.write(tx, TOPIC, key, JSON.createObjectNode().put("points", points),
                    Map.of("source", "orders"));
            if (commit) {
                tx.commit();
            } else {
                tx.rollback();
            }
            return id;
        }
    }

    private void awaitReceived(int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            return received.size() >= n;
        });
    }

    @Test
    void committedMessagesArriveWithKeyPayloadAndHeadersAndRolledBackOnesNever() throws Exception {
        UUID first = write("ann", 10, true);
        write("bob", 99, false);
        UUID second = write("ann", 5, true);

        awaitReceived(2);
        assertThat(received).extracting(ConsumerRecord::key).containsExactly("ann", "ann");
        assertThat(received).extracting(r -> JSON.readTree(r.value()).path("points").asInt()).containsExactly(10, 5);
        assertThat(received).extracting(r -> header(r, "id")).containsExactly(first.toString(), second.toString());
        assertThat(received).extracting(r -> header(r, "source")).containsOnly("orders");
        assertThat(db.count("SELECT count(*) FROM " + LocalOutbox.TABLE)).isZero();   // the table stays empty
    }

    @Test
    void messagesCommittedWhileTheRelayIsDownArriveWhenItIsBack() throws Exception {
        write("ann", 1, true);
        awaitReceived(1);
        relay.close();
        relay = null;

        UUID whileDown = write("ann", 2, true);
        relay = LocalOutboxRelay.start(options);

        awaitReceived(2);
        assertThat(received).extracting(r -> header(r, "id")).contains(whileDown.toString());
        // at-least-once: a redelivery of the first is allowed, a loss is not
        assertThat(received).extracting(r -> JSON.readTree(r.value()).path("points").asInt()).contains(1, 2);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
