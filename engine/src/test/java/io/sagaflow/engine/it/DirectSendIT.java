package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static io.sagaflow.engine.it.Api.awaitEnd;
import static io.sagaflow.engine.it.Api.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sagaflow.wire.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code sagaflow.relay.direct-send=true}, the node that leads the relay sends the commands it decides right
 * after its commit (ARCHITECTURE.md, "Direct sends"); the relay, reading the same rows from the WAL, publishes only what was not sent that way. What a user
 * sees: sagas end as before, every command reaches its participant once, and the record sent is the one the relay
 * would have sent (the relay compares the two for every row it skips).
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(DirectSendProfile.class)
@QuarkusTestResource(SagaflowStack.class)
class DirectSendIT {

    private static final Pattern DIRECT = Pattern.compile(
            "sagaflow_outbox_direct_total\\{[^}]*result=\"(sent|different)\"[^}]*} ([0-9.E]+)");

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    @Test
    void commandsAreSentDirectlyOnceAndAsTheRelayWouldSendThem() throws Exception {
        Map<String, Double> before = directCounts();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(start("order-checkout", "{\"orderId\":\"d-" + i + "\",\"amount\":" + (10 + i) + "}"));
        }
        ids.add(start("order-checkout", "{\"orderId\":\"d-fail\",\"simulate\":{\"inventory\":\"fail\"}}"));
        for (String id : ids.subList(0, 10)) {
            assertThat(awaitEnd(id).getString("status")).isEqualTo("COMPLETED");
        }
        assertThat(awaitEnd(ids.get(10)).getString("status")).isEqualTo("COMPENSATED");

        // Every command of these sagas is on Kafka exactly once, whichever path published it.
        Map<String, Integer> copies = copiesOfCommands(new HashSet<>(ids));
        int commands = 0;
        for (String id : ids) {
            commands += Api.eventTypes(id).stream().filter("StepAttemptStarted"::equals).count();
        }
        assertThat(copies).hasSize(commands);
        assertThat(copies.values()).allMatch(n -> n == 1);

        // The relay read each of those rows and found it sent, the same as it would have sent it.
        Map<String, Double> after = directCounts();
        assertThat(after.getOrDefault("sent", 0.0) - before.getOrDefault("sent", 0.0)).isGreaterThanOrEqualTo(commands);
        assertThat(after.getOrDefault("different", 0.0)).isZero();
    }

    private static Map<String, Double> directCounts() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> out = new HashMap<>();
        Matcher m = DIRECT.matcher(metrics);
        while (m.find()) {
            out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }

    /** Message id -> how many records carry it, over every topic, for the commands of {@code sagaIds}. */
    private static Map<String, Integer> copiesOfCommands(Set<String> sagaIds) throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "direct-send-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> topics;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            topics = admin.listTopics().names().get();
        }
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics.stream().filter(t -> !t.startsWith("__")).toList());
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(3).toNanos()) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String saga = header(r, KafkaHeader.SAGA_ID);
                    String command = header(r, KafkaHeader.COMMAND);
                    if (saga != null && sagaIds.contains(saga) && command != null && header(r, KafkaHeader.OUTCOME) == null) {
                        copies.merge(header(r, KafkaHeader.MESSAGE_ID), 1, Integer::sum);
                    }
                }
            }
        }
        return copies;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
