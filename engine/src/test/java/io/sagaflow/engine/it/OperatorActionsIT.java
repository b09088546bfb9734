package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static io.sagaflow.engine.it.Api.awaitEnd;
import static io.sagaflow.engine.it.Api.commands;
import static io.sagaflow.engine.it.Api.received;
import static io.sagaflow.engine.it.Api.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sagaflow.samples.Shop;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operator recovery (abort, retry, skip), the saga list and the event stream, on the real stack. */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class OperatorActionsIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    @Test
    void abortCompensatesARunningSagaWhoseStepNeverAnswers() {
        // orders answers, payments is silent for a while (the strict flow waits 1 s per attempt)
        String id = start("order-checkout", "{\"orderId\":\"a-1\",\"simulate\":{\"payments\":\"timeout:1\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> commands(id).contains("payments:charge"));

        given().contentType(ContentType.JSON).body("{\"reason\":\"customer cancelled\"}")
                .post("/api/sagas/" + id + "/abort").then().statusCode(200);
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        assertThat(saga.getString("error")).contains("aborted by an operator: customer cancelled");
        // the charge was in flight: its outcome is unknown, so it is refunded before the order is cancelled
        assertThat(commands(id)).endsWith("payments:refund", "orders:cancel");
        assertThat(Api.eventTypes(id)).contains("AbortRequested", "CompensationStarted", "SagaCompensated");

        given().post("/api/sagas/" + id + "/abort").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void aRefusedCompensationFailsTheSagaAndAnOperatorRetryFinishesItUnderANewIdempotencyKey() {
        String id = start("order-checkout", "{\"orderId\":\"a-2\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail-run1\"}}");
        JsonPath failed = awaitEnd(id);
        assertThat(failed.getString("status")).isEqualTo("FAILED");
        assertThat(failed.getString("error")).contains("compensation of step charge");

        given().contentType(ContentType.JSON).body("{\"reason\":\"refund service fixed\"}")
                .post("/api/sagas/" + id + "/retry").then().statusCode(200);
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        List<String> refundKeys = received(id).stream().filter(r -> r.command().equals("refund"))
                .map(Shop.Received::idempotencyKey).toList();
        assertThat(refundKeys).containsExactly(id + ":charge:compensation", id + ":charge:compensation:2");
        assertThat(commands(id)).endsWith("orders:cancel");
        given().post("/api/sagas/" + id + "/retry").then().statusCode(409);
    }

    @Test
    void anOperatorSkipGoesOnWithTheRemainingCompensations() {
        String id = start("order-checkout", "{\"orderId\":\"a-3\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail\"}}");
        assertThat(awaitEnd(id).getString("status")).isEqualTo("FAILED");

        given().contentType(ContentType.JSON).body("{\"reason\":\"refunded by hand\"}")
                .post("/api/sagas/" + id + "/steps/create-order/skip").then().statusCode(409);
        given().contentType(ContentType.JSON).body("{\"reason\":\"refunded by hand\"}")
                .post("/api/sagas/" + id + "/steps/charge/skip").then().statusCode(200);
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        assertThat(saga.getString("steps.find { it.name == 'charge' }.status")).isEqualTo("SKIPPED");
        assertThat(commands(id)).endsWith("orders:cancel");
        assertThat(Api.eventTypes(id)).contains("SettlementFailed", "SagaFailed", "StepSkipped", "SagaResumed");
    }

    @Test
    void operatorActionsOnUnknownSagasAreNotFound() {
        given().post("/api/sagas/" + UUID.randomUUID() + "/abort").then().statusCode(404)
                .contentType("application/problem+json");
        given().post("/api/sagas/" + UUID.randomUUID() + "/retry").then().statusCode(404);
    }

    @Test
    void listsSagasNewestFirstWithFiltersAndCursorPaging() {
        String flow = "order-checkout-strict";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(start(flow, "{\"orderId\":\"l-" + i + "\",\"amount\":1}"));
        }
        ids.forEach(Api::awaitEnd);

        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            var request = given().queryParam("flow", flow).queryParam("limit", 2);
            if (after != null) {
                request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/sagas").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.id"));
            after = page.getString("next");
        } while (after != null);

        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsSubsequence(newestFirst);
        assertThat(Set.copyOf(seen)).hasSize(seen.size());
        given().queryParam("status", "COMPLETED").queryParam("flow", flow).get("/api/sagas").then().statusCode(200);
        given().queryParam("status", "DONE").get("/api/sagas").then().statusCode(400).contentType("application/problem+json");
        given().queryParam("after", "garbage!").get("/api/sagas").then().statusCode(400);
    }

    @Test
    void streamsEachEventOfTheSagaAsItIsRecordedAndEndsWithTheSaga() throws Exception {
        String id = start("order-checkout", "{\"orderId\":\"s-1\",\"simulate\":{\"shipping\":\"retry:1\"}}");
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sagas/" + id + "/stream"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<String> types = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body()))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    types.add(new JsonPath(line.substring(5)).getString("type"));
                }
            }
        }
        assertThat(types).startsWith("SagaStarted").endsWith("SagaCompleted").contains("StepAttemptFailed");
        List<String> stored = Api.eventTypes(id);
        assertThat(types).isEqualTo(stored);
        assertThat(types.stream().collect(Collectors.toSet())).contains("StepSucceeded");
    }
}
