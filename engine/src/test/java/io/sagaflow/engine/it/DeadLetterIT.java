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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dead-letter store: what lands in it, redrive (one, idempotent, in bulk), the audit, the Kafka mirror. */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class DeadLetterIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static JsonPath letterOf(String source, String origin) {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().queryParam("source", source).get("/api/dead-letters")
                .then().statusCode(200).extract().jsonPath().getList("items.origin").contains(origin));
        String id = given().queryParam("source", source).get("/api/dead-letters").then().extract().jsonPath()
                .getString("items.find { it.origin == '" + origin + "' }.id");
        return given().get("/api/dead-letters/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static String failedSaga(String orderId) {
        String id = start("order-checkout", "{\"orderId\":\"" + orderId + "\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail-run1\"}}");
        assertThat(awaitEnd(id).getString("status")).isEqualTo("FAILED");
        return id;
    }

    @Test
    void aFailedSagaIsADeadLetterWhoseRedriveRetriesItOnceAndTracksTheOutcome() {
        String sagaId = failedSaga("dl-1");
        JsonPath letter = letterOf("SAGA", sagaId);
        assertThat(letter.getString("status")).isEqualTo("OPEN");
        assertThat(letter.getString("reason")).isEqualTo("saga-failed");
        assertThat(letter.getString("detail")).contains("compensation of step charge");
        assertThat(letter.getString("flow")).isEqualTo("order-checkout");
        assertThat(letter.getInt("attempts")).isGreaterThan(0);
        assertThat(letter.getString("payload")).contains("\"orderId\":\"dl-1\"");
        String letterId = letter.getString("id");

        JsonPath redriven = given().header("Idempotency-Key", "ops-42").post("/api/dead-letters/" + letterId + "/redrive")
                .then().statusCode(200).extract().jsonPath();
        assertThat(redriven.getString("status")).isEqualTo("REDRIVEN");
        assertThat(redriven.getList("redrives")).hasSize(1);
        assertThat(redriven.getString("redrives[0].idempotencyKey")).isEqualTo("ops-42");
        assertThat(redriven.getString("redrives[0].detail")).contains("saga retried");

        assertThat(awaitEnd(sagaId).getString("status")).isEqualTo("COMPENSATED");
        await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCEEDED".equals(given().get("/api/dead-letters/" + letterId)
                .then().extract().jsonPath().getString("redrives[0].outcome")));

        // a second redrive is answered as it is: nothing runs again
        JsonPath again = given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(200).extract().jsonPath();
        assertThat(again.getList("redrives")).hasSize(1);
        assertThat(Api.received(sagaId).stream().filter(r -> r.command().equals("refund"))).hasSize(2);
        assertThat(Api.eventTypes(sagaId).stream().filter("SagaResumed"::equals)).hasSize(1);
    }

    @Test
    void anOperatorRetryThroughTheSagaApiResolvesTheDeadLetter() {
        String sagaId = failedSaga("dl-2");
        String letterId = letterOf("SAGA", sagaId).getString("id");

        given().post("/api/sagas/" + sagaId + "/retry").then().statusCode(200);
        assertThat(awaitEnd(sagaId).getString("status")).isEqualTo("COMPENSATED");

        JsonPath letter = given().get("/api/dead-letters/" + letterId).then().extract().jsonPath();
        assertThat(letter.getString("status")).isEqualTo("RESOLVED");
        assertThat(letter.getString("detail")).contains("resolved: saga retried");
        given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void aPoisonReplyIsDeadLetteredWithoutBlockingItsPartitionAndRedrivenOnceCorrected() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        UUID messageId = UUID.randomUUID();
        Map<String, String> headers = Map.of("sagaflow-saga-id", sagaId, "sagaflow-message-id", messageId.toString(),
                "sagaflow-step", "charge", "sagaflow-kind", "action", "sagaflow-outcome", "MAYBE");
        RecordMetadataHolder sent = send(sagaId, headers, "{\"ok\":true}");

        // the partition moves on
        String next = start("order-checkout", "{\"orderId\":\"dl-3\"}");
        assertThat(awaitEnd(next).getString("status")).isEqualTo("COMPLETED");

        JsonPath letter = letterOf("REPLY", "sagaflow.replies-" + sent.partition + "@" + sent.offset);
        assertThat(letter.getString("reason")).isEqualTo("unreadable-reply");
        assertThat(letter.getString("detail")).contains("MAYBE");
        assertThat(letter.getString("headers.sagaflow-outcome")).isEqualTo("MAYBE");
        assertThat(letter.getString("payload")).isEqualTo("{\"ok\":true}");
        String letterId = letter.getString("id");

        // as stored it still cannot be read: refused, nothing changes
        given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(422)
                .contentType("application/problem+json");
        assertThat(given().get("/api/dead-letters/" + letterId).then().extract().jsonPath().getString("status"))
                .isEqualTo("OPEN");

        // corrected by the operator, it is applied (to an unknown saga here, which the engine records as ignored)
        JsonPath redriven = given().contentType(ContentType.JSON)
                .body("{\"headers\":{\"sagaflow-outcome\":\"SUCCESS\"}}")
                .post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(200).extract().jsonPath();
        assertThat(redriven.getString("status")).isEqualTo("REDRIVEN");
        assertThat(redriven.getString("redrives[0].detail")).contains("unknown saga");
        assertThat(redriven.getString("redrives[0].request")).contains("SUCCESS");
    }

    @Test
    void bulkRedriveAnswersTheCountFirstAndActsOnlyWhenConfirmed() {
        String flow = "order-checkout";
        String a = failedSaga("dl-4");
        String b = failedSaga("dl-5");
        letterOf("SAGA", a);
        letterOf("SAGA", b);
        int open = given().queryParam("source", "SAGA").queryParam("status", "OPEN").queryParam("flow", flow)
                .queryParam("limit", 500)
                .get("/api/dead-letters").then().extract().jsonPath().getList("items").size();

        JsonPath count = given().queryParam("source", "SAGA").queryParam("flow", flow)
                .post("/api/dead-letters/redrive").then().statusCode(200).extract().jsonPath();
        assertThat(count.getInt("count")).isEqualTo(open);
        assertThat(count.getBoolean("confirmed")).isFalse();
        assertThat(given().get("/api/sagas/" + a).then().extract().jsonPath().getString("status")).isEqualTo("FAILED");

        JsonPath done = given().queryParam("source", "SAGA").queryParam("flow", flow).queryParam("confirm", true)
                .post("/api/dead-letters/redrive").then().statusCode(200).extract().jsonPath();
        assertThat(done.getBoolean("confirmed")).isTrue();
        assertThat(done.getList("redriven")).contains(letterOf("SAGA", a).getString("id"), letterOf("SAGA", b).getString("id"));
        assertThat(done.getList("redriven").size() + done.getList("refused").size()).isEqualTo(open);
        assertThat(awaitEnd(a).getString("status")).isEqualTo("COMPENSATED");
        assertThat(awaitEnd(b).getString("status")).isEqualTo("COMPENSATED");
        assertThat(given().queryParam("source", "SAGA").queryParam("status", "OPEN").get("/api/dead-letters").then()
                .extract().jsonPath().getList("items.origin")).doesNotContain(a, b);
    }

    @Test
    void everyChangeOfALetterIsMirroredToKafkaThroughTheOutbox() {
        String sagaId = failedSaga("dl-6");
        String letterId = letterOf("SAGA", sagaId).getString("id");
        given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(200);

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dl-mirror-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> changes = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("sagaflow.dead-letters"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(letterId)) {
                        changes.add(JsonPath.from(r.value()).getString("change") + ":" + JsonPath.from(r.value()).getString("status"));
                    }
                }
                return changes.size() >= 2;
            });
        }
        assertThat(changes).containsExactly("DeadLetterRecorded:OPEN", "DeadLetterRedriven:REDRIVEN");
    }

    @Test
    void badRequestsGetProblemsAndChangeNothing() {
        given().get("/api/dead-letters/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        given().get("/api/dead-letters/not-a-uuid").then().statusCode(404);
        given().post("/api/dead-letters/" + UUID.randomUUID() + "/redrive").then().statusCode(404);
        given().queryParam("source", "NOPE").get("/api/dead-letters").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("limit", 0).get("/api/dead-letters").then().statusCode(400);
        given().queryParam("after", "garbage").get("/api/dead-letters").then().statusCode(400);
        given().post("/api/dead-letters/redrive").then().statusCode(400);   // a bulk redrive needs a filter
        String sagaId = failedSaga("dl-7");
        String letterId = letterOf("SAGA", sagaId).getString("id");
        given().contentType(ContentType.JSON).body("[1,2]").post("/api/dead-letters/" + letterId + "/redrive")
                .then().statusCode(400);
        assertThat(given().get("/api/dead-letters/" + letterId).then().extract().jsonPath().getString("status"))
                .isEqualTo("OPEN");
        assertThat(Api.status(sagaId)).isEqualTo("FAILED");
    }

    private record RecordMetadataHolder(int partition, long offset) {
    }

    private static RecordMetadataHolder send(String key, Map<String, String> headers, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("sagaflow.replies", key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            var meta = producer.send(record).get();
            return new RecordMetadataHolder(meta.partition(), meta.offset());
        }
    }
}
