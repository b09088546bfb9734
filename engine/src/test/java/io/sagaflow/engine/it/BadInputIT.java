package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear 4xx problem and changes nothing (SPEC §6; issue 12, item 5): each case found by a new user,
 * reproduced here. Nothing answers 500, no answer names an exception class or SQL.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class BadInputIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    private static ValidatableResponse problem(ValidatableResponse r, int status, String type) {
        return r.statusCode(status).contentType("application/problem+json").body("type", endsWith("/" + type))
                .body("detail", not(containsString("Exception"))).body("detail", not(containsString("SQL")));
    }

    private static long sagas() {
        return given().queryParam("limit", 500).get("/api/sagas").then().statusCode(200).extract().jsonPath()
                .getList("items").size();
    }

    @Test
    void aNulCharacterOrALoneSurrogateInABodyIsRefusedAndNothingIsStored() {
        long before = sagas();
        problem(given().contentType(ContentType.JSON).body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"o-\\u0000\"}}")
                .post("/api/sagas").then(), 400, "invalid-text").body("where", equalTo("input.orderId"));
        problem(given().contentType(ContentType.JSON).body("{\"flow\":\"order-checkout\",\"input\":{\"s\":\"s\\ud800\"}}")
                .post("/api/sagas").then(), 400, "invalid-text");
        problem(given().contentType(ContentType.JSON).body("{\"flow\":\"order-checkout\",\"input\":{\"k\\u0000\":1}}")
                .post("/api/sagas").then(), 400, "invalid-text");
        problem(given().contentType(ContentType.JSON).body("{\"flow\":\"merchant-callback\",\"payload\":{\"x\":\"\\u0000\"}}")
                .post("/api/notifications").then(), 400, "invalid-text");
        problem(given().contentType(ContentType.JSON).body("{\"flow\":\"loyalty-points\",\"key\":\"k\",\"payload\":{\"x\":\"\\udc00\"}}")
                .post("/api/messages").then(), 400, "invalid-text");
        assertThat(sagas()).isEqualTo(before);
        // a surrogate PAIR is text: accepted and stored unchanged
        String id = Api.start("order-checkout", "{\"orderId\":\"o-\\ud83d\\ude00\",\"amount\":1}");
        assertThat(given().get("/api/sagas/" + id).then().extract().jsonPath().getString("input.orderId"))
                .isEqualTo("o-\uD83D\uDE00");
    }

    @Test
    void aNulCharacterInAQueryOrPathIsRefused() {
        problem(given().urlEncodingEnabled(false).get("/api/sagas?flow=a%00b").then(), 400, "invalid-text");
        problem(given().urlEncodingEnabled(false).get("/api/dead-letters?reason=a%00b").then(), 400, "invalid-text");
        problem(given().urlEncodingEnabled(false).get("/api/flows/a%00b").then(), 400, "invalid-text");
        // found by GeneratedRequestsIT: these two were 500s (the NUL reached PostgreSQL; a code not in kebab case)
        problem(given().urlEncodingEnabled(false).delete("/api/flows/a%00b").then(), 400, "invalid-text");
        problem(given().get("/api/sagas?flowVersion=9223372036854775808").then(), 400, "invalid-flow-version");
    }

    @Test
    void aNullBodyOnAnOperatorActionIsABadRequest() {
        String id = Api.start("order-checkout", "{\"orderId\":\"o-null\",\"amount\":1}");
        Api.awaitEnd(id);
        for (String action : new String[] {"abort", "retry", "steps/charge/skip"}) {
            problem(given().contentType(ContentType.JSON).body("null").post("/api/sagas/" + id + "/" + action).then(),
                    400, "invalid-request");
        }
    }

    @Test
    void aLimitThatIsNoNumberIsABadRequestNotANotFound() {
        for (String list : new String[] {"/api/sagas", "/api/dead-letters", "/api/messages", "/api/notifications"}) {
            problem(given().queryParam("limit", "abc").get(list).then(), 400, "invalid-limit");
        }
    }

    @Test
    void aWrongMethodSaysWhichMethodsThePathHas() {
        given().delete("/api/sagas").then().statusCode(405).contentType("application/problem+json")
                .header("Allow", equalTo("GET, HEAD, OPTIONS, POST"));
        given().get("/api/sagas/" + UUID.randomUUID() + "/abort").then().statusCode(405)
                .header("Allow", equalTo("OPTIONS, POST"));
        // OPTIONS lists what the path really has
        given().options("/api/sagas/" + UUID.randomUUID()).then().statusCode(204).header("Allow", equalTo("GET, HEAD, OPTIONS"));
        given().options("/api/nothing-here").then().statusCode(404);
    }

    @Test
    void wrongMethodsOnManyPathsDoNotGrowTheMetrics() {
        for (int i = 0; i < 20; i++) {
            given().delete("/api/sagas/" + UUID.randomUUID() + "/abort").then().statusCode(405);
            given().options("/api/sagas/" + UUID.randomUUID());
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")
                && l.matches(".*uri=\"/api/sagas/[0-9a-f-]{36}.*"))).as("series labelled with a raw saga id").isEmpty();
    }

    @Test
    void theStreamOfAnUnknownSagaIsANotFoundBeforeAnyEvent() {
        problem(given().get("/api/sagas/" + UUID.randomUUID() + "/stream").then(), 404, "unknown-saga");
    }
}
