package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three engine PROCESSES share the notification schedules and the message check-backs (issue 14, item 8): a
 * target's rate limit holds across them, each scheduled attempt and each check-back is made once, and a process
 * killed in the middle of attempts costs at most the one repeat per attempt that its lease allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedSchedulesIT {

    /** request-timeout + lease-margin: how long an attempt of a dead process holds its notification. */
    private static final Duration LEASE = Duration.ofSeconds(6);

    /** One request the receiver saw. */
    record Call(String path, String id, int attempt, Instant at) {
    }

    private TestInfra infra;
    private final List<EngineProcess> engines = new ArrayList<>();
    private HttpServer receiver;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startThreeEngines() throws Exception {
        infra = new TestInfra();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(64));
        receiver.createContext("/fast", exchange -> answer(exchange, Duration.ofMillis(20)));
        receiver.createContext("/slow", exchange -> answer(exchange, Duration.ofSeconds(3)));
        receiver.createContext("/tx-status", exchange -> {
            try (exchange) {
                String query = exchange.getRequestURI().getQuery();
                calls.add(new Call("/tx-status", query.substring(query.indexOf("messageId=") + 10), 0, Instant.now()));
                byte[] body = "{\"status\":\"UNKNOWN\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        receiver.start();
        for (String name : List.of("node-a", "node-b", "node-c")) {
            engines.add(EngineProcess.start(infra, name, Map.of(
                    "sagaflow.nodes.heartbeat", "1s",
                    "sagaflow.notifications.request-timeout", "5s",
                    "sagaflow.notifications.lease-margin", "1s",
                    // a few claims per process at a time, so every process has attempts in flight
                    "sagaflow.notifications.batch-size", "4",
                    "sagaflow.notifications.concurrency", "4",
                    "sagaflow.messages.poll-interval", "200ms")));
        }
        deploy("""
                apiVersion: sagaflow.io/v1
                kind: Notification
                metadata: { name: shared-fast, version: 1 }
                spec:
                  target: { http: { url: http://127.0.0.1:%1$d/fast } }
                  schedule: [2s, 2s]
                  rateLimit: { permits: 10, per: 1s }
                """.formatted(receiver.getAddress().getPort()));
        deploy("""
                apiVersion: sagaflow.io/v1
                kind: Notification
                metadata: { name: shared-slow, version: 1 }
                spec:
                  target: { http: { url: http://127.0.0.1:%1$d/slow } }
                  schedule: [30s]
                """.formatted(receiver.getAddress().getPort()));
        deploy("""
                apiVersion: sagaflow.io/v1
                kind: Message
                metadata: { name: shared-points, version: 1 }
                spec:
                  topic: shared.points
                  checkBack: { http: { url: http://127.0.0.1:%1$d/tx-status }, after: 1s, every: 1s, maxChecks: 3 }
                """.formatted(receiver.getAddress().getPort()));
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (EngineProcess e : engines) {
            e.close();
        }
        receiver.stop(0);
        infra.close();
    }

    private void answer(HttpExchange exchange, Duration delay) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            calls.add(new Call(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Sagaflow-Notification-Id"),
                    Integer.parseInt(exchange.getRequestHeaders().getFirst("Sagaflow-Attempt")), Instant.now()));
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private void deploy(String yaml) {
        given().baseUri(engines.get(0).baseUri()).contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/flows").then().statusCode(201);
    }

    private List<String> send(String flow, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EngineProcess via = engines.get(i % engines.size());
            ids.add(given().baseUri(via.baseUri()).contentType(ContentType.JSON)
                    .body("{\"flow\":\"" + flow + "\",\"payload\":{\"n\":" + i + "}}")
                    .post("/api/notifications").then().statusCode(201).extract().path("id"));
        }
        return ids;
    }

    private String statusOf(EngineProcess via, String kind, String id) {
        return given().baseUri(via.baseUri()).get("/api/" + kind + "/" + id).then().statusCode(200).extract().path("status");
    }

    private List<Call> callsTo(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    @Test
    @Order(1)
    void threeProcessesKeepOneRateLimitAndMakeEachAttemptOnce() {
        List<String> ids = send("shared-fast", 60);
        await().atMost(Duration.ofSeconds(90)).until(() ->
                ids.stream().allMatch(id -> "DELIVERED".equals(statusOf(engines.get(0), "notifications", id))));

        List<Call> fast = callsTo("/fast");
        assertThat(fast).hasSize(60);
        assertThat(fast.stream().map(Call::id).distinct().count()).isEqualTo(60);
        assertThat(fast).allMatch(c -> c.attempt() == 1);
        // 10 per second for the target, whichever process sends: any one-second window sees at most the permits
        // plus the bucket's burst (100 ms at the rate: 1), with a margin of 2 for the receiver's own timestamps.
        List<Instant> times = fast.stream().map(Call::at).sorted().toList();
        for (Instant from : times) {
            long inWindow = times.stream().filter(t -> !t.isBefore(from) && t.isBefore(from.plusSeconds(1))).count();
            assertThat(inWindow).as("requests in the second after %s", from).isLessThanOrEqualTo(13);
        }
        assertThat(Duration.between(times.get(0), times.get(times.size() - 1)))
                .as("60 requests at 10/s").isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    }

    @Test
    @Order(2)
    void eachCheckBackIsMadeOnceByOneOfTheProcesses() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(given().baseUri(engines.get(i % engines.size()).baseUri()).contentType(ContentType.JSON)
                    .body("{\"flow\":\"shared-points\",\"key\":\"k-" + i + "\",\"payload\":{\"points\":" + i + "}}")
                    .post("/api/messages").then().statusCode(201).extract().path("id"));
        }
        await().atMost(Duration.ofSeconds(90)).until(() ->
                ids.stream().allMatch(id -> "UNDECIDED".equals(statusOf(engines.get(1), "messages", id))));

        Map<String, List<Call>> checks = callsTo("/tx-status").stream().collect(Collectors.groupingBy(Call::id));
        for (String id : ids) {
            List<Call> mine = checks.getOrDefault(id, List.of());
            assertThat(mine).as("check-backs of message %s", id).hasSize(3);
            for (int i = 1; i < mine.size(); i++) {
                assertThat(Duration.between(mine.get(i - 1).at(), mine.get(i).at())).as("wait before check %d", i + 1)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            }
        }
    }

    @Test
    @Order(3)
    void aProcessKilledMidAttemptCostsAtMostOneRepeatPerAttemptAfterItsLease() throws Exception {
        List<String> ids = send("shared-slow", 24);
        // Attempts are in flight (the receiver answers after 3 s) on all three processes: kill one of them.
        await().atMost(Duration.ofSeconds(30)).until(() -> callsTo("/slow").size() >= 6);
        EngineProcess victim = engines.remove(2);
        Instant killedAt = Instant.now();
        victim.kill();

        await().atMost(Duration.ofSeconds(120)).until(() ->
                ids.stream().allMatch(id -> "DELIVERED".equals(statusOf(engines.get(0), "notifications", id))));
        Map<String, List<Call>> byId = callsTo("/slow").stream().collect(Collectors.groupingBy(Call::id));
        int repeated = 0;
        for (String id : ids) {
            List<Call> mine = byId.getOrDefault(id, List.of());
            assertThat(mine).as("requests of notification %s", id).hasSizeBetween(1, 2);
            if (mine.size() == 2) {
                repeated++;
                // The repeat waits for the dead process's lease; it is the same attempt's repeat or the next one.
                assertThat(Duration.between(mine.get(0).at(), mine.get(1).at())).isGreaterThanOrEqualTo(LEASE.minusMillis(500));
            }
        }
        // Only an attempt the dead process had in flight is repeated.
        for (String id : ids) {
            List<Call> mine = byId.get(id);
            if (mine.size() == 2) {
                assertThat(mine.get(0).at()).as("first request of repeated %s", id).isBefore(killedAt);
            }
        }
        org.jboss.logging.Logger.getLogger(SharedSchedulesIT.class)
                .infof("killed a process with attempts in flight: %d of 24 notifications were repeated once", repeated);
        for (String id : ids) {
            assertThat(given().baseUri(engines.get(0).baseUri()).get("/api/notifications/" + id).then().extract()
                    .jsonPath().getString("status")).isEqualTo("DELIVERED");
        }
    }
}
