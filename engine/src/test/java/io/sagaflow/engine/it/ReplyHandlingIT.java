package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static io.sagaflow.engine.it.Api.awaitEnd;
import static io.sagaflow.engine.it.Api.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sagaflow.engine.saga.SagaDecider;
import io.sagaflow.wire.CommandKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies that must change nothing: duplicates, stale attempts, unknown sagas, garbage; and start races. */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class ReplyHandlingIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    private static void sendReply(String key, Map<String, String> headers, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("sagaflow.replies", key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        }
    }

    private static Map<String, String> reply(String sagaId, UUID messageId, String step, String kind, String outcome) {
        return Map.of("sagaflow-saga-id", sagaId, "sagaflow-message-id", messageId.toString(), "sagaflow-step", step,
                "sagaflow-kind", kind, "sagaflow-outcome", outcome);
    }

    @Test
    void duplicateStaleUnknownAndGarbageRepliesChangeNothingAndBlockNothing() throws Exception {
        String id = start("order-checkout", "{\"orderId\":\"r-1\",\"simulate\":{\"payments\":\"retry:1\"}}");
        JsonPath done = awaitEnd(id);
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        int eventsBefore = Api.eventTypes(id).size();

        UUID sagaId = UUID.fromString(id);
        // a duplicate of the (answered) first attempt of create-order, now saying it failed
        sendReply(id, reply(id, SagaDecider.messageId(sagaId, "create-order", CommandKind.ACTION, 1, 1), "create-order",
                "action", "FAILURE"), "{\"message\":\"too late\"}");
        // a stale reply to the first (retried) attempt of charge
        sendReply(id, reply(id, SagaDecider.messageId(sagaId, "charge", CommandKind.ACTION, 1, 1), "charge",
                "action", "SUCCESS"), "{}");
        // a reply for a saga that does not exist, and garbage without headers
        String ghost = UUID.randomUUID().toString();
        sendReply(ghost, reply(ghost, UUID.randomUUID(), "charge", "action", "SUCCESS"), "{}");
        sendReply(id, Map.of(), "not json at all {");
        sendReply(id, reply(id, UUID.randomUUID(), "charge", "sideways", "SUCCESS"), "{}");

        // the partition is not blocked: a new saga after the poison completes
        String next = start("order-checkout", "{\"orderId\":\"r-2\"}");
        assertThat(awaitEnd(next).getString("status")).isEqualTo("COMPLETED");

        await().atMost(Duration.ofSeconds(30)).until(() -> Api.eventTypes(id).size() >= eventsBefore + 2);
        List<String> types = Api.eventTypes(id);
        assertThat(types.subList(eventsBefore, types.size())).containsOnly("ReplyIgnored");
        JsonPath after = given().get("/api/sagas/" + id).then().extract().jsonPath();
        assertThat(after.getString("status")).isEqualTo("COMPLETED");
        assertThat(after.getList("steps.status")).containsOnly("SUCCEEDED");
        List<String> reasons = given().get("/api/sagas/" + id + "/events").then().extract().jsonPath()
                .getList("findAll { it.type == 'ReplyIgnored' }.data.reason");
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("duplicate reply"))
                .anySatisfy(r -> assertThat(r).startsWith("duplicate reply: attempt 1"));
        given().get("/api/sagas/" + ghost).then().statusCode(404);
    }

    @Test
    void aBurstOfRepliesToOneSagaOverSeveralBatchesInFlightIsAppliedOnceEachAndCommitted() throws Exception {
        String id = start("order-checkout", "{\"orderId\":\"r-3\"}");
        assertThat(awaitEnd(id).getString("status")).isEqualTo("COMPLETED");
        int eventsBefore = Api.eventTypes(id).size();
        UUID duplicated = SagaDecider.messageId(UUID.fromString(id), "create-order", CommandKind.ACTION, 1, 1);

        // 150 replies at once: polls split into batches of 32 (sagaflow.replies.batch-size), all on this saga, so each
        // batch waits for the one in flight before it
        int burst = 150;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>("sagaflow.replies", id, "{\"n\":" + i + "}");
                reply(id, duplicated, "create-order", "action", "SUCCESS")
                        .forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                sent.add(producer.send(record));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }

        // each applied once (a ReplyIgnored apiece, none lost, none twice), the saga unchanged
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.eventTypes(id).size() >= eventsBefore + burst);
        List<String> types = Api.eventTypes(id);
        assertThat(types).hasSize(eventsBefore + burst);
        assertThat(types.subList(eventsBefore, types.size())).containsOnly("ReplyIgnored");
        assertThat(given().get("/api/sagas/" + id).then().extract().jsonPath().getString("status")).isEqualTo("COMPLETED");

        // and the engine's offsets reach the end of the reply topic: nothing is left to be read again
        String group = ConfigProvider.getConfig().getOptionalValue("sagaflow.replies.group", String.class).orElse("sagaflow-engine");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            var partitions = admin.describeTopics(List.of("sagaflow.replies")).allTopicNames().get().get("sagaflow.replies")
                    .partitions().stream().map(i -> new TopicPartition("sagaflow.replies", i.partition())).toList();
            Map<TopicPartition, Long> ends = new java.util.HashMap<>();
            admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, Long> committed = new java.util.HashMap<>();
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                        .forEach((tp, o) -> committed.put(tp, o == null ? 0L : o.offset()));
                ends.forEach((tp, end) -> assertThat(committed.getOrDefault(tp, 0L)).as("committed offset of %s", tp)
                        .isGreaterThanOrEqualTo(end));
            });
        }
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    @Test
    void hundredConcurrentStartsWithOneIdempotencyKeyCreateExactlyOneSaga() throws Exception {
        String key = "burst-" + UUID.randomUUID();
        String body = "{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"b-1\"}}";
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(() -> given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                    .post("/api/sagas").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201)).extract().path("id"));
        }
        Set<String> ids = new HashSet<>();
        for (Future<String> f : pool.invokeAll(calls)) {
            ids.add(f.get());
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
        String id = ids.iterator().next();
        assertThat(awaitEnd(id).getString("status")).isEqualTo("COMPLETED");
        assertThat(Api.commands(id).stream().filter(c -> c.equals("orders:create"))).hasSize(1);
    }

    @Test
    void aParticipantThatAlwaysFailsTransientlyIsRetriedOnScheduleThenCompensated() {
        String id = start("order-checkout", "{\"orderId\":\"f-1\",\"simulate\":{\"payments\":\"retry:99\"}}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        var charges = Api.received(id).stream().filter(r -> r.command().equals("charge")).toList();
        assertThat(charges).hasSize(3);   // defaults.retry.maxAttempts
        // exponential from 200 ms, jitter 0.2: waits of at least 160 ms and 320 ms, and not wildly more
        Duration first = Duration.between(charges.get(0).at(), charges.get(1).at());
        Duration second = Duration.between(charges.get(1).at(), charges.get(2).at());
        assertThat(first).isBetween(Duration.ofMillis(160), Duration.ofSeconds(10));
        assertThat(second).isBetween(Duration.ofMillis(320), Duration.ofSeconds(10));
        // the outcome of the charge is unknown: it is refunded, then the order cancelled
        assertThat(Api.commands(id)).endsWith("payments:refund", "orders:cancel");
    }
}
