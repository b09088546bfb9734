package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One lock order (issue 14, item 3): the timer poller and reply application both lock saga rows first, in id order,
 * then their timers. Two engine processes run both paths hard at once — many sagas whose steps are retried on
 * timers while replies keep coming — and PostgreSQL records no deadlock (40P01).
 */
class LockOrderIT {

    private static final Logger LOG = Logger.getLogger(LockOrderIT.class);

    private TestInfra infra;
    private final List<EngineProcess> engines = new ArrayList<>();

    @AfterEach
    void stopStack() throws Exception {
        for (EngineProcess e : engines) {
            e.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void twoNodesFiringTimersAndApplyingRepliesNeverDeadlock() throws Exception {
        infra = new TestInfra();
        Map<String, String> hard = Map.of("sagaflow.timers.poll-interval", "5ms", "sagaflow.nodes.heartbeat", "1s");
        engines.add(EngineProcess.start(infra, "node-a", hard));
        engines.add(EngineProcess.start(infra, "node-b", hard));
        // A generous step timeout: on 2 busy cores a slow attempt must not time out, this test is about locks.
        String yaml = Files.readString(Path.of("../sample-flows/flows/order-checkout.yaml"))
                .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + infra.participants.httpPort())
                .replace("timeout: 10s", "timeout: 120s").replace("timeout: 2s", "timeout: 60s");
        given().baseUri(engines.get(0).baseUri()).contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .post("/api/flows").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        long deadlocksBefore = deadlocks();

        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<String>> started = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            int n = i;
            EngineProcess via = engines.get(i % 2);
            // Every step answers RETRY once or twice first: retry timers fire while replies of the same sagas arrive.
            String simulate = "{\"payments\":\"retry:2\",\"inventory\":\"retry:1\",\"shipping\":\"retry:1\"}";
            started.add(clients.submit(() -> given().baseUri(via.baseUri()).contentType(ContentType.JSON)
                    .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"l-" + n + "\",\"amount\":" + n
                            + ",\"simulate\":" + simulate + "}}")
                    .post("/api/sagas").then().statusCode(201).extract().<String>path("id")));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : started) {
            ids.add(f.get());
        }
        clients.shutdown();

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, String> now = statuses();
            assertThat(ids).allSatisfy(id -> assertThat(now.get(id)).as("saga %s", id).isEqualTo("COMPLETED"));
        });
        long deadlocks = deadlocks() - deadlocksBefore;
        long logged = engines.stream().mapToLong(e -> e.logLines("40P01").size() + e.logLines("deadlock detected").size()).sum();
        LOG.infof("%d sagas, each step retried on timers, on two nodes: %d deadlocks in pg_stat_database, %d in the logs",
                ids.size(), deadlocks, logged);
        assertThat(deadlocks).as("deadlocks PostgreSQL detected in the test's database").isZero();
        assertThat(logged).isZero();
        try (Connection c = infra.connect()) {
            Invariants.assertLogsAreWhole(c, ids, infra.participants.shop());
        }
    }

    private long deadlocks() throws Exception {
        try (Connection c = infra.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
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
}
