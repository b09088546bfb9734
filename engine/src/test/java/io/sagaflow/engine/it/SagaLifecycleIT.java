package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sagaflow.samples.Shop;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One saga step's whole path on the real stack: REST -> events + outbox (PostgreSQL) -> Debezium -> Kafka ->
 * participant (Kafka or, through the HTTP connector, HTTP) -> reply -> events.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class SagaLifecycleIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    static String start(String flow, String input) {
        return Api.start(flow, input);
    }

    static JsonPath awaitEnd(String id) {
        return Api.awaitEnd(id);
    }

    static List<String> commands(String sagaId) {
        return Api.commands(sagaId);
    }

    static List<Shop.Received> received(String sagaId) {
        return Api.received(sagaId);
    }

    static io.restassured.response.Response postYaml(String yaml) {
        return Api.postYaml(yaml);
    }

    @Test
    void completesTheCheckoutThroughHttpAndKafkaParticipants() {
        String id = start("order-checkout", "{\"orderId\":\"o-100\",\"amount\":42}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPLETED");
        assertThat(saga.getString("flow")).isEqualTo("order-checkout");
        assertThat(saga.getInt("flowVersion")).isEqualTo(1);
        assertThat(saga.getList("steps.status")).containsOnly("SUCCEEDED");
        assertThat(saga.getString("output.charge.amount")).isEqualTo("42");
        assertThat(commands(id)).containsExactly("orders:create", "payments:charge", "inventory:reserve",
                "shipping:schedule");
        assertNoGapInEventLog(id);
    }

    @Test
    void compensatesStep2ThenStep1WhenStep3FailsAndNeverCompensatesStep3() {
        String id = start("order-checkout", "{\"orderId\":\"o-101\",\"simulate\":{\"inventory\":\"fail\"}}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        assertThat(saga.getString("error")).contains("reserve-stock").contains("REFUSED");
        assertThat(saga.getList("steps.status")).containsExactly("COMPENSATED", "COMPENSATED", "FAILED", "PENDING");
        assertThat(commands(id)).containsExactly("orders:create", "payments:charge", "inventory:reserve",
                "payments:refund", "orders:cancel");
        assertNoGapInEventLog(id);
    }

    @Test
    void retriesTransientFailuresWithOneIdempotencyKeyAfterTheBackoff() {
        String id = start("order-checkout", "{\"orderId\":\"o-102\",\"simulate\":{\"payments\":\"retry:2\"}}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPLETED");
        assertThat(saga.getInt("steps.find { it.name == 'charge' }.attempts")).isEqualTo(3);
        List<Shop.Received> charges = received(id).stream().filter(r -> r.command().equals("charge")).toList();
        assertThat(charges).hasSize(3);
        assertThat(charges.stream().map(Shop.Received::idempotencyKey).distinct()).containsExactly(id + ":charge:action");
        assertThat(charges.stream().map(Shop.Received::messageId).distinct()).hasSize(3);
        // exponential from 200 ms with jitter 0.2: the waits are at least 160 ms and 320 ms
        assertThat(Duration.between(charges.get(0).at(), charges.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(160));
        assertThat(Duration.between(charges.get(1).at(), charges.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(320));
        // the business effect was applied once
        assertThat(SagaflowStack.participants().shop().effects().stream()
                .filter(e -> e.idempotencyKey().equals(id + ":charge:action"))).hasSize(1);
    }

    @Test
    void compensatesAStepThatNeverAnswersIncludingTheStepItself() {
        String id = start("order-checkout-strict", "{\"orderId\":\"o-103\",\"amount\":7,\"simulate\":{\"payments\":\"timeout\"}}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        assertThat(saga.getInt("steps.find { it.name == 'charge' }.attempts")).isEqualTo(2);
        // The outcome of the charge is unknown (no answer), so it is refunded before the order is cancelled.
        assertThat(commands(id)).containsExactly("orders:create", "payments:charge", "payments:charge",
                "payments:refund", "orders:cancel");
        // each attempt waited its 1 s timeout, then 300 ms before the retry: measured on the engine's own record of
        // when it started each attempt (at the participant, relay latency would blur the schedule either way)
        JsonPath events = given().get("/api/sagas/" + id + "/events").then().extract().jsonPath();
        List<String> starts = events.getList("findAll { it.type == 'StepAttemptStarted' && it.data.step == 'charge' "
                + "&& it.data.kind == 'ACTION' }.at");
        assertThat(starts).hasSize(2);
        assertThat(Duration.between(java.time.Instant.parse(starts.get(0)), java.time.Instant.parse(starts.get(1))))
                .isBetween(Duration.ofMillis(1300), Duration.ofSeconds(15));
        List<String> types = events.getList("type");
        assertThat(types).contains("StepAttemptFailed", "StepFailed", "CompensationStarted", "SagaCompensated");
    }

    @Test
    void passesStepInputsComputedFromTheSagaInputAndEarlierOutputs() {
        String id = start("order-checkout-strict", "{\"orderId\":\"o-104\",\"amount\":9}");
        JsonPath saga = awaitEnd(id);
        assertThat(saga.getString("status")).isEqualTo("COMPLETED");
        long orderNumber = saga.getLong("output.create-order.orderNumber");
        assertThat(saga.getString("output.charge.amount")).isEqualTo("9");
        assertThat(orderNumber).isPositive();
    }

    @Test
    void sameIdempotencyKeyAndBodyGiveTheSameSagaAndAnotherBodyIsAConflict() {
        String key = "checkout-" + UUID.randomUUID();
        String body = "{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"o-105\",\"amount\":1}}";
        String first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .post("/api/sagas").then().statusCode(201).extract().path("id");
        // same content, keys in another order: the same request
        String again = given().header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"input\":{\"amount\":1,\"orderId\":\"o-105\"},\"flow\":\"order-checkout\"}")
                .post("/api/sagas").then().statusCode(200).extract().path("id");
        assertThat(again).isEqualTo(first);

        given().header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"o-999\"}}")
                .post("/api/sagas").then().statusCode(409).contentType("application/problem+json")
                .body("sagaId", equalTo(first));
        awaitEnd(first);
    }

    @Test
    void answersUnknownSagasAndBadBodiesWithProblems() {
        given().get("/api/sagas/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("type", startsWith("https://sagaflow.io/problems/unknown-saga"));
        given().get("/api/sagas/not-a-uuid/events").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"input\":{}}").post("/api/sagas")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"flow\":\"no-such-flow\"}").post("/api/sagas")
                .then().statusCode(404).contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("no-such-flow"));
        given().contentType(ContentType.JSON).body("{not json").post("/api/sagas")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void refusesABadDocumentWithEveryProblemAndDeploysNothing() {
        String bad = """
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: broken-checkout, version: 1 }
                spec:
                  participants:
                    payments: { kafka: { topic: payments.commands } }
                  steps:
                    - { name: charge, participant: paymnts, action: charge }
                    - { name: charge, participant: payments, action: charge, timeout: 5 parsecs }
                """;
        postYaml(bad).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(3))
                .body("errors[0].line", org.hamcrest.Matchers.notNullValue());
        given().get("/api/flows/broken-checkout").then().statusCode(404);
    }

    @Test
    void redeployingAVersionIsANoOpForTheSameContentAndAConflictForOther() {
        String yaml = """
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: versioned, version: 1 }
                spec:
                  participants:
                    payments: { kafka: { topic: payments.commands } }
                  steps:
                    - { name: charge, participant: payments, action: charge }
                """;
        postYaml(yaml).then().statusCode(201)
                .body("name", equalTo("versioned")).body("version", equalTo(1)).body("kind", equalTo("Saga"));
        postYaml(yaml).then().statusCode(200);
        postYaml(yaml.replace("action: charge", "action: capture")).then().statusCode(409).contentType("application/problem+json");
        given().get("/api/flows/versioned").then().statusCode(200).body("versions", hasSize(1));
        given().get("/api/flows").then().statusCode(200).body("name", org.hamcrest.Matchers.hasItem("order-checkout"));
    }

    @Test
    void aRunningSagaFinishesOnTheFlowVersionItStartedWith() {
        String v1 = """
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: pinned, version: 1 }
                spec:
                  participants:
                    payments: { kafka: { topic: payments.commands } }
                  defaults: { timeout: 1s, retry: { maxAttempts: 3, backoff: fixed, initialDelay: 200ms, maxDelay: 200ms } }
                  steps:
                    - { name: pay, participant: payments, action: charge }
                """;
        postYaml(v1).then().statusCode(201);
        // the first attempt gets no answer: the saga is still running on v1 when v2 is deployed
        String old = start("pinned", "{\"orderId\":\"p-1\",\"simulate\":{\"payments\":\"timeout:1\"}}");
        postYaml(v1.replace("version: 1", "version: 2").replace("action: charge", "action: capture"))
                .then().statusCode(201);
        String fresh = start("pinned", "{\"orderId\":\"p-2\"}");

        JsonPath oldSaga = awaitEnd(old);
        assertThat(oldSaga.getString("status")).isEqualTo("COMPLETED");
        assertThat(oldSaga.getInt("flowVersion")).isEqualTo(1);
        assertThat(commands(old)).containsExactly("payments:charge", "payments:charge");
        JsonPath freshSaga = awaitEnd(fresh);
        assertThat(freshSaga.getInt("flowVersion")).isEqualTo(2);
        assertThat(commands(fresh)).containsExactly("payments:capture");
    }

    @Test
    void refusesADocumentOverTheSizeLimit() {
        String huge = "# " + "x".repeat(1_100_000);
        postYaml(huge).then().statusCode(413)
                .contentType("application/problem+json");
    }

    @Test
    void exposesHealthMetricsAndOpenApi() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("sagaflow_outbox_relayed"));
        given().get("/q/openapi").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/api/sagas"));
    }

    static void assertNoGapInEventLog(String id) {
        List<Integer> seqs = given().get("/api/sagas/" + id + "/events").then().statusCode(200)
                .extract().jsonPath().getList("seq", Integer.class);
        assertThat(seqs).isNotEmpty();
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(i + 1);
        }
        assertThat(given().get("/api/sagas/" + id).then().extract().jsonPath().getInt("steps.size()")).isPositive();
    }
}
