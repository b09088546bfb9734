package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reliable two-phase messages on the real stack: prepare, commit and rollback over REST, publication through the
 * outbox relay to Kafka (read back with a plain consumer), check-backs answered by a tiny HTTP server in this test,
 * UNDECIDED messages as dead letters and their redrive, delivery dead letters and re-publication.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class MessageIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    /** Never checked back during a test (after: 1h): commits and rollbacks come from the test alone. */
    private static final String MANUAL = "points-manual-" + SUFFIX;
    /** Checked back 1 s after the prepare, then every second, 3 times at most. */
    private static final String CHECKED = "points-checked-" + SUFFIX;
    private static final String MANUAL_TOPIC = "it.points.manual." + SUFFIX;
    private static final String CHECKED_TOPIC = "it.points.checked." + SUFFIX;
    private static final Duration AFTER = Duration.ofSeconds(1);
    private static final int MAX_CHECKS = 3;
    private static final Duration GENEROUS = Duration.ofSeconds(45);
    private static final String PROBLEM = "application/problem+json";

    private static HttpServer producer;
    /** What the producer's check-back endpoint answers per message id; UNKNOWN when absent. */
    private static final Map<String, String> answers = new ConcurrentHashMap<>();
    /** When each message was checked back. */
    private static final Map<String, List<Instant>> checks = new ConcurrentHashMap<>();

    @BeforeAll
    static void startProducer() throws IOException {
        producer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        producer.createContext("/tx-status", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String id = query == null ? "" : query.replaceFirst("^messageId=", "");
            checks.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(Instant.now());
            byte[] body = ("{\"status\":\"" + answers.getOrDefault(id, "UNKNOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        producer.start();
    }

    @AfterAll
    static void stopProducer() {
        producer.stop(0);
    }

    @BeforeEach
    void deployFlows() {
        String url = "http://127.0.0.1:" + producer.getAddress().getPort() + "/tx-status";
        deploy(MANUAL, MANUAL_TOPIC, url, "1h", "1h", 1);
        deploy(CHECKED, CHECKED_TOPIC, url, "1s", "1s", MAX_CHECKS);
    }

    private static void deploy(String name, String topic, String url, String after, String every, int maxChecks) {
        String yaml = "apiVersion: sagaflow.io/v1\nkind: Message\nmetadata: { name: " + name + ", version: 1 }\n"
                + "spec:\n  topic: " + topic + "\n  checkBack: { http: { url: \"" + url + "\" }, after: " + after
                + ", every: " + every + ", maxChecks: " + maxChecks + " }\n";
        assertThat(Api.postYaml(yaml).statusCode()).isIn(200, 201);
    }

    @Test
    void aCommittedMessageIsPublishedWithItsHeadersAndBecomesDelivered() {
        JsonPath prepared = prepare(MANUAL, "order-1", "{\"points\":42,\"customer\":\"c-1\"}")
                .then().statusCode(201).extract().jsonPath();
        String id = prepared.getString("id");
        assertThat(prepared.getString("status")).isEqualTo("PREPARED");
        assertThat(prepared.getString("flow")).isEqualTo(MANUAL);
        assertThat(prepared.getInt("flowVersion")).isEqualTo(1);
        assertThat(prepared.getString("key")).isEqualTo("order-1");
        assertThat(prepared.getInt("payload.points")).isEqualTo(42);
        assertThat(prepared.getInt("checks")).isZero();
        assertThat(prepared.getList("events.type")).containsExactly("MessagePrepared");
        assertThat(prepared.getString("createdAt")).isNotNull();

        String status = given().post("/api/messages/" + id + "/commit").then().statusCode(200).extract().path("status");
        assertThat(status).isIn("COMMITTED", "DELIVERED");

        ConsumerRecord<String, String> record = awaitRecords(MANUAL_TOPIC, id, 1).get(0);
        assertThat(record.key()).isEqualTo("order-1");
        assertThat(new JsonPath(record.value()).getInt("points")).isEqualTo(42);
        assertThat(header(record, "sagaflow-message-id")).isEqualTo(id);
        assertThat(header(record, "sagaflow-kind")).isEqualTo("message");
        assertThat(header(record, "sagaflow-command")).isEqualTo(MANUAL);
        assertThat(header(record, "sagaflow-step")).isEqualTo(MANUAL);
        assertThat(header(record, "sagaflow-idempotency-key")).isEqualTo(id);

        awaitStatus(id, "DELIVERED");
        JsonPath delivered = get(id);
        assertThat(delivered.getList("events.type"))
                .containsExactly("MessagePrepared", "MessageCommitted", "MessageDelivered");
        assertThat(delivered.getList("events.seq", Integer.class)).containsExactly(1, 2, 3);
        assertThat(delivered.getString("events[1].data.by")).isEqualTo("PRODUCER");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("sagaflow_messages_total{status=\"DELIVERED\"}",
                "sagaflow_messages_delivery_latency_seconds_count");

        // a second commit is a no-op; a rollback after the commit is refused
        given().post("/api/messages/" + id + "/commit").then().statusCode(200);
        assertThat(get(id).getList("events")).hasSize(3);
        given().post("/api/messages/" + id + "/rollback").then().statusCode(409).contentType(PROBLEM);
        assertThat(get(id).getString("status")).isEqualTo("DELIVERED");
    }

    @Test
    void aRolledBackMessageIsNeverPublishedAndCannotBeCommitted() {
        String id = prepared(MANUAL, "order-2", "{\"points\":1}");
        given().post("/api/messages/" + id + "/rollback").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("ROLLED_BACK"));
        given().post("/api/messages/" + id + "/rollback").then().statusCode(200);
        given().post("/api/messages/" + id + "/commit").then().statusCode(409).contentType(PROBLEM)
                .body("type", org.hamcrest.Matchers.endsWith("/message-decided"));
        assertThat(get(id).getList("events.type")).containsExactly("MessagePrepared", "MessageRolledBack");

        // a later message on the same topic arrives; the rolled-back one never did
        String marker = prepared(MANUAL, "order-2b", "{\"points\":2}");
        given().post("/api/messages/" + marker + "/commit").then().statusCode(200);
        List<ConsumerRecord<String, String>> seen = awaitRecords(MANUAL_TOPIC, marker, 1);
        assertThat(seen).isNotEmpty();
        assertThat(readAll(MANUAL_TOPIC)).noneMatch(r -> id.equals(header(r, "sagaflow-message-id")));
    }

    @Test
    void badRequestsAndUnknownIdsAreProblemsAndChangeNothing() {
        given().get("/api/messages/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        given().get("/api/messages/not-a-uuid").then().statusCode(404).contentType(PROBLEM);
        given().post("/api/messages/" + UUID.randomUUID() + "/commit").then().statusCode(404).contentType(PROBLEM);
        given().post("/api/messages/" + UUID.randomUUID() + "/rollback").then().statusCode(404).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("{not json").post("/api/messages").then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("{\"key\":\"k\",\"payload\":{}}").post("/api/messages")
                .then().statusCode(400).contentType(PROBLEM).body("detail", org.hamcrest.Matchers.containsString("'flow'"));
        given().contentType(ContentType.JSON).body("{\"flow\":\"" + MANUAL + "\",\"key\":\"k\"}").post("/api/messages")
                .then().statusCode(400).contentType(PROBLEM).body("detail", org.hamcrest.Matchers.containsString("'payload'"));
        given().contentType(ContentType.JSON).body("{\"flow\":\"no-such-flow\",\"key\":\"k\",\"payload\":{}}")
                .post("/api/messages").then().statusCode(404).contentType(PROBLEM);
        given().get("/api/messages?status=NOPE").then().statusCode(400).contentType(PROBLEM);
        given().get("/api/messages?limit=0").then().statusCode(400).contentType(PROBLEM);
        given().get("/api/messages?after=garbage").then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("{\"consumer\":\"c\",\"reason\":\"r\"}")
                .post("/api/messages/" + UUID.randomUUID() + "/dead-letter").then().statusCode(404).contentType(PROBLEM);
        // a Saga flow is not a Message flow
        Api.postYaml("apiVersion: sagaflow.io/v1\nkind: Saga\nmetadata: { name: saga-" + SUFFIX + ", version: 1 }\n"
                + "spec:\n  participants:\n    p: { kafka: { topic: it.saga." + SUFFIX + " } }\n  steps:\n"
                + "    - { name: s, participant: p, action: a }\n").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        given().contentType(ContentType.JSON).body("{\"flow\":\"saga-" + SUFFIX + "\",\"key\":\"k\",\"payload\":{}}")
                .post("/api/messages").then().statusCode(400).contentType(PROBLEM)
                .body("type", org.hamcrest.Matchers.endsWith("/wrong-kind"));
    }

    @Test
    void theSameIdempotencyKeyAndBodyAnswerTheSameMessageAndAnotherBodyIsAConflict() {
        String key = "prep-" + UUID.randomUUID();
        String id = given().header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"flow\":\"" + MANUAL + "\",\"key\":\"k\",\"payload\":{\"a\":1,\"b\":2}}")
                .post("/api/messages").then().statusCode(201).extract().path("id");
        // the same body with its keys in another order is the same request
        given().header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"payload\":{\"b\":2,\"a\":1},\"key\":\"k\",\"flow\":\"" + MANUAL + "\"}")
                .post("/api/messages").then().statusCode(200).body("id", org.hamcrest.Matchers.equalTo(id));
        given().header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"flow\":\"" + MANUAL + "\",\"key\":\"k\",\"payload\":{\"a\":2}}")
                .post("/api/messages").then().statusCode(409).contentType(PROBLEM)
                .body("messageId", org.hamcrest.Matchers.equalTo(id));
        List<String> ids = given().get("/api/messages?flow=" + MANUAL + "&limit=500").then().statusCode(200)
                .extract().jsonPath().getList("items.id");
        assertThat(ids.stream().filter(id::equals)).hasSize(1);
    }

    @Test
    void theListIsNewestFirstWithCursorPaging() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(0, prepared(MANUAL, "page-" + i, "{}"));
        }
        JsonPath first = given().get("/api/messages?flow=" + MANUAL + "&status=PREPARED&limit=2").then().statusCode(200)
                .extract().jsonPath();
        assertThat(first.getList("items.id")).containsExactly(mine.get(0), mine.get(1));
        assertThat(first.getList("items.events")).containsOnlyNulls();
        String next = first.getString("next");
        JsonPath second = given().get("/api/messages?flow=" + MANUAL + "&status=PREPARED&limit=2&after=" + next)
                .then().statusCode(200).extract().jsonPath();
        assertThat(second.getList("items.id", String.class).get(0)).isEqualTo(mine.get(2));
    }

    @Test
    void aCheckBackAnsweringCommittedCommitsAndDeliversTheMessage() {
        String id = prepared(CHECKED, "order-3", "{\"points\":3}");
        answers.put(id, "COMMITTED");
        awaitStatus(id, "DELIVERED");
        JsonPath message = get(id);
        assertThat(message.getList("events.type")).containsSubsequence("CheckBackAnswered", "MessageCommitted",
                "MessageDelivered");
        assertThat(message.getList("events.data.by")).contains("CHECK_BACK");
        assertThat(message.getString("nextCheckAt")).isNull();
        assertThat(awaitRecords(CHECKED_TOPIC, id, 1)).hasSize(1);
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("sagaflow_messages_check_backs_total{answer=\"COMMITTED\"}");
    }

    @Test
    void aCheckBackAnsweringRolledBackRollsTheMessageBack() {
        String id = prepared(CHECKED, "order-4", "{\"points\":4}");
        answers.put(id, "ROLLED_BACK");
        awaitStatus(id, "ROLLED_BACK");
        assertThat(get(id).getList("events.type")).containsExactly("MessagePrepared", "CheckBackAnswered",
                "MessageRolledBack");
    }

    @Test
    void unknownAnswersUntilMaxChecksLeaveTheMessageUndecidedAsADeadLetterThatAnOperatorRedrives() {
        String id = prepared(CHECKED, "order-5", "{\"points\":5}");
        Instant createdAt = Instant.parse(get(id).getString("createdAt"));
        awaitStatus(id, "UNDECIDED");

        // the schedule: the first check not before `after`, exactly maxChecks checks, and none after
        List<Instant> calls = checks.get(id);
        assertThat(calls.get(0)).isAfterOrEqualTo(createdAt.plus(AFTER).minusMillis(50));
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10)).until(() -> checks.get(id).size() == MAX_CHECKS);
        JsonPath undecided = get(id);
        assertThat(undecided.getInt("checks")).isEqualTo(MAX_CHECKS);
        assertThat(undecided.getList("events.type")).containsExactly("MessagePrepared", "CheckBackAnswered",
                "CheckBackAnswered", "CheckBackAnswered", "MessageUndecided");

        Map<String, Object> letter = openLetter("MESSAGE", id);
        assertThat(letter.get("reason")).isEqualTo("undecided");
        assertThat(letter.get("flow")).isEqualTo(CHECKED);
        String letterId = (String) letter.get("id");

        // without a decision: 400, and nothing changes
        given().contentType(ContentType.JSON).body("{}").post("/api/dead-letters/" + letterId + "/redrive")
                .then().statusCode(400).contentType(PROBLEM);
        given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(400).contentType(PROBLEM);
        assertThat(get(id).getString("status")).isEqualTo("UNDECIDED");
        given().get("/api/dead-letters/" + letterId).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("OPEN"));

        given().contentType(ContentType.JSON).body("{\"decision\":\"commit\"}")
                .post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("REDRIVEN"))
                .body("redrives[0].outcome", org.hamcrest.Matchers.equalTo("SUCCEEDED"));
        awaitStatus(id, "DELIVERED");
        assertThat(get(id).getList("events.data.by")).contains("OPERATOR");
        assertThat(awaitRecords(CHECKED_TOPIC, id, 1)).hasSize(1);
    }

    @Test
    void aDirectCommitOfAnUndecidedMessageResolvesItsDeadLetter() {
        String id = prepared(CHECKED, "order-6", "{\"points\":6}");
        awaitStatus(id, "UNDECIDED");
        String letterId = (String) openLetter("MESSAGE", id).get("id");
        given().post("/api/messages/" + id + "/rollback").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("ROLLED_BACK"));
        given().get("/api/dead-letters/" + letterId).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("RESOLVED"));
        given().contentType(ContentType.JSON).body("{\"decision\":\"commit\"}")
                .post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(409);
        assertThat(get(id).getString("status")).isEqualTo("ROLLED_BACK");
    }

    @Test
    void aConsumersDeliveryReportIsADeadLetterWhoseRedriveRepublishesTheMessage() {
        String pending = prepared(MANUAL, "order-7p", "{}");
        report(pending, "points-svc").then().statusCode(409).contentType(PROBLEM);

        String id = prepared(MANUAL, "order-7", "{\"points\":7}");
        given().post("/api/messages/" + id + "/commit").then().statusCode(200);
        awaitStatus(id, "DELIVERED");
        assertThat(awaitRecords(MANUAL_TOPIC, id, 1)).hasSize(1);

        String letterId = report(id, "points-svc").then().statusCode(201).contentType(ContentType.JSON)
                .body("source", org.hamcrest.Matchers.equalTo("MESSAGE_DELIVERY"))
                .body("origin", org.hamcrest.Matchers.equalTo(id + ":points-svc"))
                .body("attempts", org.hamcrest.Matchers.equalTo(16))
                .extract().path("id");
        // the same report again while the letter is open: answered, not duplicated
        report(id, "points-svc").then().statusCode(200).body("id", org.hamcrest.Matchers.equalTo(letterId));
        given().contentType(ContentType.JSON).body("{\"consumer\":\"\"}").post("/api/messages/" + id + "/dead-letter")
                .then().statusCode(400).contentType(PROBLEM);
        assertThat(openLetter("MESSAGE_DELIVERY", id + ":points-svc").get("id")).isEqualTo(letterId);

        given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("REDRIVEN"));
        List<ConsumerRecord<String, String>> twice = awaitRecords(MANUAL_TOPIC, id, 2);
        assertThat(twice).allSatisfy(r -> assertThat(header(r, "sagaflow-message-id")).isEqualTo(id));
        assertThat(get(id).getList("events.type")).containsSubsequence("MessageDelivered", "DeliveryFailed",
                "MessageRepublished");
        assertThat(get(id).getString("status")).isEqualTo("DELIVERED");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static Response prepare(String flow, String key, String payload) {
        return given().contentType(ContentType.JSON)
                .body("{\"flow\":\"" + flow + "\",\"key\":\"" + key + "\",\"payload\":" + payload + "}")
                .post("/api/messages");
    }

    private static String prepared(String flow, String key, String payload) {
        return prepare(flow, key, payload).then().statusCode(201).extract().path("id");
    }

    private static Response report(String id, String consumer) {
        return given().contentType(ContentType.JSON).body("{\"consumer\":\"" + consumer
                + "\",\"reason\":\"handler-failed\",\"attempts\":16,\"detail\":\"NullPointerException in handler\"}")
                .post("/api/messages/" + id + "/dead-letter");
    }

    private static JsonPath get(String id) {
        return given().get("/api/messages/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(GENEROUS).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(get(id).getString("status")));
    }

    private static Map<String, Object> openLetter(String source, String origin) {
        List<Map<String, Object>> items = given().get("/api/dead-letters?source=" + source + "&status=OPEN&limit=500")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(l -> origin.equals(l.get("origin"))).findFirst()
                .orElseThrow(() -> new AssertionError("no open " + source + " dead letter for " + origin + " in " + items));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads the topic from the start with a fresh group until {@code count} records of the message arrived. */
    private static List<ConsumerRecord<String, String>> awaitRecords(String topic, String messageId, int count) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            await().atMost(GENEROUS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (messageId.equals(header(r, "sagaflow-message-id"))) {
                        found.add(r);
                    }
                });
                return found.size() >= count;
            });
        }
        return found;
    }

    /** Everything on the topic now (read until the end offsets seen at the start). */
    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            await().atMost(GENEROUS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                var assignment = consumer.assignment();
                if (assignment.isEmpty()) {
                    return false;
                }
                var end = consumer.endOffsets(assignment);
                return assignment.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return all;
    }

    private static KafkaConsumer<String, String> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "message-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
