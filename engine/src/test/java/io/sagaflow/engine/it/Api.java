package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sagaflow.samples.Shop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the ITs do through the REST API, and what they read from the sample participants. */
final class Api {

    static final Duration SAGA_END = Duration.ofSeconds(60);

    private Api() {
    }

    /** Deploys the sample flows (idempotent: the same content again answers 200), pointed at the test participants. */
    static void deploySampleFlows() {
        try (var files = Files.list(Path.of("../sample-flows/flows"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                int status = postYaml(Files.readString(file).replace("http://127.0.0.1:8081",
                        "http://127.0.0.1:" + SagaflowStack.participants().httpPort())).statusCode();
                if (status != 200 && status != 201) {
                    throw new IllegalStateException("deploying " + file + " answered " + status);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Response postYaml(String yaml) {
        return given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/flows");
    }

    static String start(String flow, String input) {
        return given().contentType(ContentType.JSON).body("{\"flow\":\"" + flow + "\",\"input\":" + input + "}")
                .post("/api/sagas").then().statusCode(201).extract().path("id");
    }

    static String status(String id) {
        return given().get("/api/sagas/" + id).then().statusCode(200).extract().path("status");
    }

    /** Waits until the saga stops moving: COMPLETED, COMPENSATED or FAILED. */
    static JsonPath awaitEnd(String id) {
        await().atMost(SAGA_END).pollInterval(Duration.ofMillis(100)).until(() -> {
            String status = status(id);
            return !"RUNNING".equals(status) && !"COMPENSATING".equals(status);
        });
        return given().get("/api/sagas/" + id).then().extract().jsonPath();
    }

    static List<String> commands(String sagaId) {
        return SagaflowStack.participants().shop().commandsOf(sagaId);
    }

    static List<Shop.Received> received(String sagaId) {
        return SagaflowStack.participants().shop().journal().stream().filter(r -> r.sagaId().equals(sagaId)).toList();
    }

    static List<String> eventTypes(String id) {
        return given().get("/api/sagas/" + id + "/events").then().statusCode(200).extract().jsonPath().getList("type");
    }
}
