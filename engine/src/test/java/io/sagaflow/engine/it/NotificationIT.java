package io.sagaflow.engine.it;


import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sagaflow.engine.notification.NotificationPoller;
import io.sagaflow.engine.notification.NotificationSender;
import io.sagaflow.engine.notification.NotificationStore;
import io.sagaflow.config.SagaflowConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Best-effort notifications on the real stack: a JDK HTTP server as the receiver, flows with waits of seconds.
 * Upper bounds on waits are generous: two shared cores.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
@TestProfile(NotificationProfile.class)
class NotificationIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    /** Slack over a scheduled wait before an attempt counts as late (busy 2-core machine). */
    private static final Duration LATE = Duration.ofSeconds(5);
    private static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(2));
    private static final int BURST = 1000;
    private static final int PERMITS = 50;
    /** A token bucket holding 100 ms of permits lets a 1 s window see 55; one more for an arrival on a boundary. */
    private static final int WINDOW_TOLERANCE = 10;

    private static final NotificationReceiver RECEIVER = new NotificationReceiver();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean deployed;

    @Inject
    NotificationPoller poller;

    @Inject
    NotificationStore store;

    @Inject
    NotificationSender sender;

    @Inject
    SagaflowConfig config;

    @Inject
    MeterRegistry metrics;

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @BeforeEach
    void deployFlows() {
        if (deployed) {
            return;
        }
        deploy("it-flaky", "/flaky", "[1s, 1s, 2s]", "");
        deploy("it-down", "/down", "[1s, 1s, 2s]", "");
        deploy("it-signed", "/signed", "[1s]", "  signing: { hmacSha256: { secretEnv: " + NotificationProfile.SECRET_ENV + " } }\n");
        deploy("it-unsigned-secret", "/never", "[1s]", "  signing: { hmacSha256: { secretEnv: SAGAFLOW_IT_NOT_SET } }\n");
        deploy("it-burst", "/burst", "[1s]", "  rateLimit: { permits: " + PERMITS + ", per: 1s }\n");
        deploy("it-slow-retry", "/slow", "[1h]", "");
        deploy("it-ok", "/ok", "[1s]", "");
        Api.postYaml("""
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: it-a-saga, version: 1 }
                spec:
                  participants: { orders: { http: { url: "http://127.0.0.1:1/orders" } } }
                  steps: [ { name: create, participant: orders, action: create } ]
                """).then().statusCode(201);
        RECEIVER.answer("/down", n -> 503);
        RECEIVER.answer("/slow", n -> 500);
        deployed = true;
    }

    private static void deploy(String name, String path, String schedule, String extra) {
        String yaml = "apiVersion: sagaflow.io/v1\nkind: Notification\nmetadata: { name: " + name + ", version: 1 }\n"
                + "spec:\n  target: { http: { url: \"" + RECEIVER.url(path) + "\" } }\n  schedule: " + schedule + "\n"
                + extra;
        int status = Api.postYaml(yaml).statusCode();
        assertThat(status).as("deploying " + name).isIn(200, 201);
    }

    private static String send(String flow, String payload) {
        return given().contentType(ContentType.JSON).body("{\"flow\":\"" + flow + "\",\"payload\":" + payload + "}")
                .post("/api/notifications").then().statusCode(201)
                .body("status", org.hamcrest.Matchers.equalTo("PENDING")).extract().path("id");
    }

    private static JsonPath get(String id) {
        return given().get("/api/notifications/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath awaitStatus(String id, String status) {
        await().atMost(DELIVERY).pollInterval(Duration.ofMillis(100)).until(() -> status.equals(get(id).getString("status")));
        return get(id);
    }

    /**
     * The observed attempt timeline, for the notes: each attempt as the query-back shows it (start, answer, latency,
     * error) with its arrival at the receiver, if it arrived.
     */
    private static void printTimeline(String title, String id) {
        JsonPath n = get(id);
        List<NotificationReceiver.Received> got = RECEIVER.of(id);
        List<Map<String, Object>> attempts = n.getList("attempts");
        Instant first = Instant.parse((String) attempts.get(0).get("startedAt"));
        StringBuilder out = new StringBuilder("\n=== attempt timeline: " + title + " (notification " + id + ")\n");
        for (Map<String, Object> a : attempts) {
            int attempt = (Integer) a.get("attempt");
            Instant started = Instant.parse((String) a.get("startedAt"));
            String arrived = got.stream().filter(r -> r.attempt() == attempt).findFirst()
                    .map(r -> "arrived " + r.at()).orElse("never arrived");
            out.append(String.format("  attempt %d started %s (+%5d ms) status %s latency %s ms, %s%s%n", attempt,
                    started, Duration.between(first, started).toMillis(), a.get("httpStatus"), a.get("latencyMs"),
                    arrived, a.get("error") == null ? "" : ", error: " + a.get("error")));
        }
        out.append("  final: ").append(n.getString("status")).append(", ").append(got.size())
                .append(" request(s) received\n");
        System.out.println(out);
    }

    /** Gaps between the arrivals: each at least its wait, and not much later. */
    private static void assertWaits(List<NotificationReceiver.Received> got, List<Duration> waits) {
        for (int i = 1; i < got.size(); i++) {
            Duration gap = Duration.between(got.get(i - 1).at(), got.get(i).at());
            Duration wait = waits.get(i - 1);
            assertThat(gap).as("wait before attempt " + (i + 1)).isGreaterThanOrEqualTo(wait)
                    .isLessThan(wait.plus(LATE));
        }
    }

    @Test
    void isDeliveredOnTheThirdAttemptAfterFailingTwiceOnSchedule() {
        RECEIVER.answer("/flaky", before -> before < 2 ? 500 : 200);
        String id = send("it-flaky", "{\"orderId\":\"o-1\",\"amount\":12.5}");

        JsonPath n = awaitStatus(id, "DELIVERED");
        printTimeline("fails twice, then succeeds", id);

        List<NotificationReceiver.Received> got = RECEIVER.of(id);
        assertThat(got).extracting(NotificationReceiver.Received::attempt).containsExactly(1, 2, 3);
        assertWaits(got, SCHEDULE);
        // the receiver's query-back: each attempt with its time, status, latency and error
        assertThat(n.getList("attempts.attempt", Integer.class)).containsExactly(1, 2, 3);
        assertThat(n.getList("attempts.httpStatus", Integer.class)).containsExactly(500, 500, 200);
        assertThat(n.getList("attempts.latencyMs", Integer.class)).allSatisfy(ms -> assertThat(ms).isNotNull().isGreaterThanOrEqualTo(0));
        assertThat(n.getList("attempts.startedAt", String.class)).allSatisfy(at -> assertThat(at).isNotNull());
        assertThat(n.getList("attempts.finishedAt", String.class)).allSatisfy(at -> assertThat(at).isNotNull());
        assertThat(n.getString("attempts[0].error")).contains("HTTP 500");
        assertThat(n.getString("attempts[2].error")).isNull();
        assertThat(n.getString("nextAttemptAt")).isNull();
        assertThat(n.getString("payload.orderId")).isEqualTo("o-1");
        assertThat(n.getString("flow")).isEqualTo("it-flaky");
        assertThat(n.getInt("flowVersion")).isEqualTo(1);
    }

    @Test
    void givesUpAfterExactlyTheScheduledAttemptsIsDeadLetteredAndARedriveDeliversIt() {
        String id = send("it-down", "{\"orderId\":\"o-2\"}");

        JsonPath n = awaitStatus(id, "GAVE_UP");
        printTimeline("never succeeds (gives up)", id);

        List<NotificationReceiver.Received> got = RECEIVER.of(id);
        assertThat(got).extracting(NotificationReceiver.Received::attempt).containsExactly(1, 2, 3, 4);
        assertWaits(got, SCHEDULE);
        assertThat(n.getList("attempts.httpStatus", Integer.class)).containsExactly(503, 503, 503, 503);

        JsonPath letters = given().get("/api/dead-letters?source=NOTIFICATION&limit=500").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> mine = letters.<Map<String, Object>>getList("items").stream()
                .filter(l -> id.equals(l.get("origin"))).toList();
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0)).containsEntry("reason", "gave-up").containsEntry("status", "OPEN")
                .containsEntry("attempts", 4).containsEntry("flow", "it-down");
        assertThat((String) mine.get(0).get("payload")).contains("o-2");
        String letterId = (String) mine.get(0).get("id");

        // nothing more is sent after giving up
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> RECEIVER.of(id).size() == 4);

        RECEIVER.answer("/down", before -> before < 4 ? 503 : 200);
        given().contentType(ContentType.JSON).body("{}").post("/api/dead-letters/" + letterId + "/redrive")
                .then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("REDRIVEN"));

        JsonPath delivered = awaitStatus(id, "DELIVERED");
        printTimeline("after the dead letter's redrive", id);
        assertThat(delivered.getList("attempts.attempt", Integer.class)).containsExactly(1, 2, 3, 4, 5);
        assertThat(RECEIVER.of(id)).hasSize(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(given().get("/api/dead-letters/" + letterId)
                .then().extract().path("redrives[0].outcome")));
        RECEIVER.answer("/down", before -> 503);
    }

    @Test
    void aResendThroughTheApiResolvesTheOpenDeadLetter() {
        String id = send("it-unsigned-secret", "{\"k\":1}");
        awaitStatus(id, "GAVE_UP");
        String letterId = given().get("/api/dead-letters?source=NOTIFICATION&limit=500").then().extract().jsonPath()
                .<Map<String, Object>>getList("items").stream().filter(l -> id.equals(l.get("origin")))
                .map(l -> (String) l.get("id")).findFirst().orElseThrow();

        given().post("/api/notifications/" + id + "/resend").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("PENDING"));

        assertThat(given().get("/api/dead-letters/" + letterId).then().extract().<String>path("status")).isEqualTo("RESOLVED");
        given().post("/api/notifications/" + id + "/resend").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void signsTheExactRawBodyWithHmacSha256() throws Exception {
        String id = send("it-signed", "{\"text\":\"caf\u00e9 \\u2603\",\"n\":[1,2.50,3]}");
        awaitStatus(id, "DELIVERED");

        NotificationReceiver.Received r = RECEIVER.of(id).get(0);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.signature()).isEqualTo("sha256=" + hmac(NotificationProfile.SECRET, r.body()));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("notificationId").asText()).isEqualTo(id);
        assertThat(body.get("attempt").asInt()).isEqualTo(1);
        assertThat(Instant.parse(body.get("sentAt").asText())).isBefore(r.at().plusSeconds(1));
        assertThat(body.get("payload").get("text").asText()).isEqualTo("caf\u00e9 \u2603");
        // one changed byte and the signature no longer verifies
        byte[] tampered = r.body().clone();
        tampered[tampered.length - 2] ^= 1;
        assertThat(r.signature()).isNotEqualTo("sha256=" + hmac(NotificationProfile.SECRET, tampered));
    }

    @Test
    void aMissingSigningSecretFailsTheAttemptWithoutSendingAnything() {
        String id = send("it-unsigned-secret", "{\"x\":1}");
        JsonPath n = awaitStatus(id, "GAVE_UP");

        assertThat(RECEIVER.of(id)).isEmpty();
        assertThat(n.getList("attempts.error", String.class)).hasSize(2)
                .allSatisfy(e -> assertThat(e).contains("signing secret is missing").contains("SAGAFLOW_IT_NOT_SET"));
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void theRateLimitHoldsPerSecondUnderABurstAndEveryNotificationArrives() throws Exception {
        // A second delivery loop on the same tables plays a second engine node: the limit must hold across both.
        NotificationPoller secondNode = new NotificationPoller(store, sender, config, metrics);
        secondNode.start();
        try {
            burst();
        } finally {
            secondNode.stop();
        }
    }

    private void burst() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + RestAssured.port + "/api/notifications");
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        Instant start = Instant.now();
        for (int i = 0; i < BURST; i++) {
            String body = "{\"flow\":\"it-burst\",\"payload\":{\"n\":" + i + "}}";
            sent.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, senders));
        }
        assertThat(sent.stream().map(CompletableFuture::join).toList()).allMatch(s -> s == 201);
        senders.shutdown();
        System.out.printf("%n=== burst: %d notifications created in %d ms%n", BURST,
                Duration.between(start, Instant.now()).toMillis());

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                RECEIVER.all().stream().filter(r -> r.path().equals("/burst")).map(NotificationReceiver.Received::notificationId)
                        .distinct().count() == BURST);

        List<NotificationReceiver.Received> burst = RECEIVER.all().stream().filter(r -> r.path().equals("/burst")).toList();
        Map<Long, Long> perSecond = burst.stream().collect(Collectors.groupingBy(r -> r.at().getEpochSecond(),
                TreeMap::new, Collectors.counting()));
        Duration span = Duration.between(burst.get(0).at(), burst.get(burst.size() - 1).at());
        System.out.printf("=== burst: %d requests over %d ms; per second window: %s%n", burst.size(), span.toMillis(),
                perSecond.values());
        assertThat(perSecond.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(PERMITS + WINDOW_TOLERANCE));
        // 1,000 at 50/s cannot take much less than 19 s (the bucket's burst aside)
        assertThat(span).isGreaterThan(Duration.ofSeconds((BURST - PERMITS) / PERMITS - 1));
        double rateLimited = given().get("/q/metrics").then().extract().asString().lines()
                .filter(l -> l.startsWith("sagaflow_notifications_rate_limited_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(rateLimited).isPositive();
    }

    @Test
    void badRequestsAreProblemsAndStoreNothing() throws SQLException {
        long before = countNotifications();
        String[] bodies = {"not json", "[]", "{}", "{\"flow\":\"\",\"payload\":{}}", "{\"flow\":\"it-ok\"}",
                "{\"flow\":\"it-ok\",\"payload\":null}", "{\"flow\":\"it-ok\",\"payload\":{},\"extra\":1}",
                "{\"flow\":42,\"payload\":{}}"};
        for (String body : bodies) {
            given().contentType(ContentType.JSON).body(body).post("/api/notifications").then().statusCode(400)
                    .contentType("application/problem+json").body("status", org.hamcrest.Matchers.equalTo(400));
        }
        given().contentType(ContentType.JSON).body("{\"flow\":\"no-such-flow\",\"payload\":{}}")
                .post("/api/notifications").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"flow\":\"it-a-saga\",\"payload\":{}}")
                .post("/api/notifications").then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("not a Notification"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(201)).body("{\"flow\":\"it-ok\",\"payload\":{}}")
                .post("/api/notifications").then().statusCode(400).contentType("application/problem+json");
        assertThat(countNotifications()).isEqualTo(before);

        given().get("/api/notifications/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/notifications/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
        given().post("/api/notifications/" + java.util.UUID.randomUUID() + "/resend").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/notifications?status=LOST").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/notifications?after=zzz").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/notifications?limit=0").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anIdempotencyKeyReturnsTheSameNotificationForTheSameBodyAndRefusesAnother() {
        String key = "order-7-paid-" + java.util.UUID.randomUUID();
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"flow\":\"it-ok\",\"payload\":{\"a\":1,\"b\":2}}").post("/api/notifications")
                .then().statusCode(201).extract().path("id");
        String again = given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"payload\":{\"b\":2,\"a\":1},\"flow\":\"it-ok\"}").post("/api/notifications")
                .then().statusCode(200).extract().path("id");
        assertThat(again).isEqualTo(first);
        given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"flow\":\"it-ok\",\"payload\":{\"a\":2}}").post("/api/notifications")
                .then().statusCode(409).contentType("application/problem+json")
                .body("notificationId", org.hamcrest.Matchers.equalTo(first));
    }

    @Test
    void aPendingNotificationCannotBeResentAndTheListFiltersAndPages() {
        String pending = send("it-slow-retry", "{\"p\":1}");
        await().atMost(DELIVERY).until(() -> get(pending).getList("attempts").size() == 1
                && get(pending).getString("attempts[0].finishedAt") != null);
        JsonPath n = get(pending);
        assertThat(n.getString("status")).isEqualTo("PENDING");
        assertThat(Instant.parse(n.getString("nextAttemptAt"))).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
        given().post("/api/notifications/" + pending + "/resend").then().statusCode(409)
                .contentType("application/problem+json");

        String a = send("it-ok", "{\"page\":1}");
        String b = send("it-ok", "{\"page\":2}");
        awaitStatus(a, "DELIVERED");
        awaitStatus(b, "DELIVERED");
        JsonPath page1 = given().get("/api/notifications?flow=it-ok&status=DELIVERED&limit=1").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page1.getList("items.id", String.class)).containsExactly(b);
        JsonPath page2 = given().get("/api/notifications?flow=it-ok&status=DELIVERED&limit=1&after="
                + page1.getString("next")).then().statusCode(200).extract().jsonPath();
        assertThat(page2.getList("items.id", String.class)).containsExactly(a);
        assertThat(page2.getList("items[0].attempts")).hasSize(1);
        JsonPath pendingOnly = given().get("/api/notifications?status=PENDING&flow=it-slow-retry").then().extract().jsonPath();
        assertThat(pendingOnly.getList("items.id", String.class)).contains(pending);
    }

    @Test
    void anAttemptClaimedByANodeThatStoppedIsRepeatedExactlyOnceAfterItsLease() throws SQLException {
        poller.stop();
        String id;
        Instant claimedAt;
        try {
            id = send("it-ok", "{\"crash\":true}");
            // a node claims the attempt (committed) and dies before sending it
            claimedAt = Instant.now();
            NotificationStore.ClaimBatch batch = store.claimDue(100).await().atMost(Duration.ofSeconds(10));
            assertThat(batch.claims()).anySatisfy(c -> assertThat(c.notificationId().toString()).isEqualTo(id));
            assertThat(get(id).getList("attempts")).hasSize(1);
        } finally {
            poller.start();
        }

        JsonPath n = awaitStatus(id, "DELIVERED");
        printTimeline("claimed by a node that stopped, repeated after the lease", id);

        List<NotificationReceiver.Received> got = RECEIVER.of(id);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).attempt()).isEqualTo(2);
        assertThat(Duration.between(claimedAt, got.get(0).at()).toMillis()).isGreaterThanOrEqualTo(NotificationProfile.LEASE_MS - 100);
        assertThat(n.getList("attempts.attempt", Integer.class)).containsExactly(1, 2);
        assertThat(n.getString("attempts[0].error")).contains("lease ended");
        assertThat(n.getInt("attempts[1].httpStatus")).isEqualTo(200);
        // and nothing more afterwards
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> RECEIVER.of(id).size() == 1);
    }

    @Test
    void aPollerRestartMidScheduleLosesNoAttemptAndAddsNone() throws SQLException {
        RECEIVER.answer("/flaky", before -> before < 2 ? 500 : 200);
        String id = send("it-flaky", "{\"restart\":true}");
        await().atMost(DELIVERY).until(() -> RECEIVER.of(id).size() == 1 && get(id).getString("attempts[0].finishedAt") != null);

        poller.stop();   // this node stops mid-schedule: everything it knew is in the table
        try {
            await().atMost(DELIVERY).pollInterval(Duration.ofMillis(100)).until(() -> secondsOverdue(id) > 1.0);
            assertThat(RECEIVER.of(id)).hasSize(1);
        } finally {
            poller.start();
        }

        JsonPath n = awaitStatus(id, "DELIVERED");
        printTimeline("poller stopped after attempt 1, started again", id);
        assertThat(RECEIVER.of(id)).extracting(NotificationReceiver.Received::attempt).containsExactly(1, 2, 3);
        assertThat(n.getList("attempts.httpStatus", Integer.class)).containsExactly(500, 500, 200);
    }

    /** How long the notification's next attempt is overdue, by the database's clock (negative: not yet due). */
    private static double secondsOverdue(String id) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT extract(epoch FROM (now() - next_attempt_at)) FROM notification "
                     + "WHERE id = '" + id + "'")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static long countNotifications() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM notification")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                "postgres", "");
    }
}
