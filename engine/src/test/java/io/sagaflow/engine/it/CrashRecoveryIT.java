package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.sagaflow.samples.Shop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crashes: the engine is a separate process killed with SIGKILL mid-saga; after a restart (or on the surviving
 * node) every saga reaches the end it would have reached without the crash, and no step's effect is applied twice.
 */
class CrashRecoveryIT {

    private TestInfra infra;
    private final List<EngineProcess> engines = new ArrayList<>();

    @BeforeEach
    void startStack() {
        infra = new TestInfra();
    }

    @AfterEach
    void stopStack() throws Exception {
        for (EngineProcess e : engines) {
            e.close();
        }
        infra.close();
    }

    private EngineProcess engine(String name) throws Exception {
        EngineProcess e = EngineProcess.start(infra, name, Map.of("sagaflow.nodes.dead-after", "4s",
                "sagaflow.nodes.heartbeat", "1s"));
        engines.add(e);
        return e;
    }

    private void deploy(EngineProcess e) throws Exception {
        for (String file : List.of("order-checkout.yaml", "order-checkout-strict.yaml")) {
            String yaml = Files.readString(Path.of("../sample-flows/flows", file))
                    .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + infra.participants.httpPort());
            given().baseUri(e.baseUri()).contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                    .post("/api/flows").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
    }

    private List<String> startSagas(EngineProcess e, int n, String simulate) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(given().baseUri(e.baseUri()).contentType(ContentType.JSON)
                    .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"c-" + i + "\",\"amount\":" + i
                            + ",\"simulate\":" + simulate + "}}")
                    .post("/api/sagas").then().statusCode(201).extract().<String>path("id"));
        }
        return ids;
    }

    private Map<String, String> statuses() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = infra.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, status FROM saga")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private void awaitAll(List<String> ids, String status) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, String> now = statuses();
            assertThat(ids).allSatisfy(id -> assertThat(now.get(id)).as("saga %s", id).isEqualTo(status));
        });
    }

    private void assertLogsAreWhole(List<String> ids) throws Exception {
        try (Connection c = infra.connect()) {
            Invariants.assertLogsAreWhole(c, ids, infra.participants.shop());
        }
    }

    @Test
    void anEngineKilledMidSagaFinishesEverySagaAfterARestart() throws Exception {
        EngineProcess first = engine("node-a");
        deploy(first);
        // transient failures keep the sagas busy long enough to be caught mid-way
        List<String> ids = startSagas(first, 20, "{\"payments\":\"retry:1\",\"shipping\":\"retry:2\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> infra.participants.shop().journal().size() >= 15);
        first.kill();
        assertThat(statuses().values()).contains("RUNNING");

        engine("node-b");
        awaitAll(ids, "COMPLETED");
        assertLogsAreWhole(ids);
        for (String id : ids) {
            assertThat(infra.participants.shop().effects().stream().filter(e -> e.idempotencyKey().startsWith(id)))
                    .as("effects of %s", id).hasSize(4);
        }
    }

    @Test
    void anEngineKilledWhileCompensatingFinishesEveryCompensationAfterARestart() throws Exception {
        EngineProcess first = engine("node-a");
        deploy(first);
        // Two planned refund failures with a policy of 3 attempts: no spare. An attempt whose reply waits on the dead
        // node's reply partition must not time out (its timeout is deferred until a live node owns the partition),
        // or a saga would end FAILED instead of COMPENSATED.
        List<String> ids = startSagas(first, 10, "{\"inventory\":\"fail\",\"payments\":\"compensation-retry:2\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses().containsValue("COMPENSATING"));
        first.kill();

        engine("node-b");
        awaitAll(ids, "COMPENSATED");
        assertLogsAreWhole(ids);
        for (String id : ids) {
            assertThat(infra.participants.shop().commandsOf(id)).containsSubsequence("payments:refund", "orders:cancel");
        }
    }

    @Test
    void whenOneOfTwoNodesDiesTheOtherTakesOverTheRelayAndFinishesTheWork() throws Exception {
        EngineProcess a = engine("node-a");
        EngineProcess b = engine("node-b");
        deploy(a);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(given().baseUri(a.baseUri())
                .get("/api/nodes").then().extract().jsonPath().getList("findAll { it.alive }.id")).contains("node-a", "node-b"));
        List<String> before = startSagas(a, 10, "{\"payments\":\"retry:1\"}");
        String leader = given().baseUri(a.baseUri()).get("/api/nodes").then().extract().jsonPath()
                .getString("find { it.holds.relayLeader == true }.id");
        EngineProcess victim = "node-a".equals(leader) ? a : b;
        EngineProcess survivor = victim == a ? b : a;
        victim.kill();

        List<String> after = startSagas(survivor, 10, "{}");
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        awaitAll(all, "COMPLETED");
        assertLogsAreWhole(all);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var nodes = given().baseUri(survivor.baseUri()).get("/api/nodes").then().extract().jsonPath();
            assertThat(nodes.getBoolean("find { it.id == '" + survivor.name + "' }.holds.relayLeader")).isTrue();
            assertThat(nodes.getBoolean("find { it.id == '" + victim.name + "' }.alive")).isFalse();
        });
    }
}
