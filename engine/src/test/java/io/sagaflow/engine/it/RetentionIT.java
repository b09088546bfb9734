package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data lifecycle on the real stack (issue 14, item 4): finished work goes after its keep period, archived first;
 * what is not finished stays; flows can be undeployed; the replication-slot guard reports retained WAL. Time passing
 * is simulated by moving a row's {@code updated_at} back, the only column the sweeper reads the age from.
 */
@QuarkusTest
@TestProfile(RetentionProfile.class)
@QuarkusTestResource(SagaflowStack.class)
class RetentionIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    @Test
    void removesFinishedSagasPastTheirKeepPeriodWithTheirEventsAndArchivesThemFirst() throws Exception {
        String old = Api.start("order-checkout", "{\"orderId\":\"r-1\",\"amount\":5}");
        String recent = Api.start("order-checkout", "{\"orderId\":\"r-2\",\"amount\":6}");
        String failed = Api.start("order-checkout", "{\"orderId\":\"r-3\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail\"}}");
        assertThat(Api.awaitEnd(old).getString("status")).isEqualTo("COMPLETED");
        assertThat(Api.awaitEnd(recent).getString("status")).isEqualTo("COMPLETED");
        assertThat(Api.awaitEnd(failed).getString("status")).isEqualTo("FAILED");

        age(List.of(old, failed), "2 days");

        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/sagas/" + old).statusCode() == 404);
        assertThat(count("SELECT count(*) FROM saga_event WHERE saga_id = ?::uuid", old)).isZero();
        // Not old enough, or not finished: a FAILED saga waits for an operator however old it is.
        assertThat(Api.status(recent)).isEqualTo("COMPLETED");
        assertThat(Api.status(failed)).isEqualTo("FAILED");
        assertThat(count("SELECT count(*) FROM saga_event WHERE saga_id = ?::uuid", failed)).isPositive();

        JsonPath archived = JsonPath.from(archiveRecord(old));
        assertThat(archived.getString("saga.id")).isEqualTo(old);
        assertThat(archived.getString("saga.status")).isEqualTo("COMPLETED");
        assertThat(archived.getList("events.type", String.class)).startsWith("SagaStarted").endsWith("SagaCompleted");
        assertThat(archived.getList("events.seq", Integer.class)).isSorted();
    }

    @Test
    void aFlowsOwnKeepPeriodAppliesToItsSagasOnly() throws Exception {
        String hold = Api.start("order-hold", "{\"orderId\":\"r-10\",\"amount\":7}");
        String checkout = Api.start("order-checkout", "{\"orderId\":\"r-11\",\"amount\":7}");
        assertThat(Api.awaitEnd(hold).getString("status")).isEqualTo("COMPLETED");
        assertThat(Api.awaitEnd(checkout).getString("status")).isEqualTo("COMPLETED");

        age(List.of(hold, checkout), "3 hours");   // past order-hold's 1h, within the default 1d

        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/sagas/" + hold).statusCode() == 404);
        assertThat(Api.status(checkout)).isEqualTo("COMPLETED");
    }

    @Test
    void aDeadLetterIsKeptWhileOpenAndRemovedWithItsAuditOnceSettledAndOld() throws Exception {
        String id = Api.start("order-checkout", "{\"orderId\":\"r-20\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail\"}}");
        assertThat(Api.awaitEnd(id).getString("status")).isEqualTo("FAILED");
        String letter = letterOf(id);
        execute("UPDATE dead_letter SET updated_at = now() - interval '2 days' WHERE id = ?::uuid", letter);
        Thread.sleep(1500);   // several sweeps: an OPEN letter is never a candidate
        given().get("/api/dead-letters/" + letter).then().statusCode(200);

        // Redriven (the saga is retried): the letter is settled, and goes once it is old, with its redrive audit.
        given().post("/api/dead-letters/" + letter + "/redrive").then().statusCode(200);
        assertThat(count("SELECT count(*) FROM dead_letter_redrive WHERE dead_letter_id = ?::uuid", letter)).isPositive();
        // The retried saga fails again (the refund is still refused): wait for that outcome, which touches the letter.
        await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED_AGAIN".equals(
                given().get("/api/dead-letters/" + letter).then().extract().path("redrives[0].outcome")));
        execute("UPDATE dead_letter SET updated_at = now() - interval '2 days' WHERE id = ?::uuid", letter);

        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/dead-letters/" + letter).statusCode() == 404);
        assertThat(count("SELECT count(*) FROM dead_letter_redrive WHERE dead_letter_id = ?::uuid", letter)).isZero();
    }

    @Test
    void aFlowIsUndeployedOnlyWhenNothingOfItRunsAndItsSagasStayReadable() throws Exception {
        String yaml = java.nio.file.Files.readString(java.nio.file.Path.of("../sample-flows/flows/order-checkout.yaml"))
                .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + SagaflowStack.participants().httpPort())
                .replaceFirst("name: order-checkout", "name: retired-checkout");
        assertThat(Api.postYaml(yaml).statusCode()).isEqualTo(201);
        String done = Api.start("retired-checkout", "{\"orderId\":\"r-30\",\"amount\":3}");
        String waiting = Api.start("retired-checkout", "{\"orderId\":\"r-31\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail\"}}");
        assertThat(Api.awaitEnd(done).getString("status")).isEqualTo("COMPLETED");
        assertThat(Api.awaitEnd(waiting).getString("status")).isEqualTo("FAILED");

        given().delete("/api/flows/retired-checkout").then().statusCode(409).contentType("application/problem+json")
                .body("sagas", org.hamcrest.Matchers.equalTo(1));
        Api.start("retired-checkout", "{\"orderId\":\"r-32\",\"amount\":3}");   // refused undeploy changed nothing

        await().atMost(Duration.ofSeconds(60)).until(() -> !"RUNNING".equals(latestStatus("retired-checkout")));
        given().contentType(ContentType.JSON).body("{\"reason\":\"refunded by hand\"}")
                .post("/api/sagas/" + waiting + "/steps/charge/skip").then().statusCode(200);
        assertThat(Api.awaitEnd(waiting).getString("status")).isEqualTo("COMPENSATED");

        given().delete("/api/flows/retired-checkout").then().statusCode(204);
        given().delete("/api/flows/retired-checkout").then().statusCode(204);   // idempotent
        given().delete("/api/flows/never-deployed").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"flow\":\"retired-checkout\",\"input\":{}}").post("/api/sagas")
                .then().statusCode(404).body("type", org.hamcrest.Matchers.endsWith("/flow-undeployed"));
        // What ran on it stays readable, with its version.
        given().get("/api/sagas/" + done).then().statusCode(200).body("flowVersion", org.hamcrest.Matchers.equalTo(1));
        JsonPath flow = given().get("/api/flows/retired-checkout").then().statusCode(200).extract().jsonPath();
        assertThat(flow.getBoolean("deployed")).isFalse();
        assertThat(flow.getString("versions[0].undeployedAt")).isNotNull();

        assertThat(Api.postYaml(yaml).statusCode()).isEqualTo(201);   // deployed again: starts work again
        assertThat(Api.awaitEnd(Api.start("retired-checkout", "{\"orderId\":\"r-33\",\"amount\":3}"))
                .getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void readinessNamesTheSlotThatRetainsMoreWalThanTheBound() {
        String slot = ConfigProvider.getConfig().getValue("sagaflow.relay.slot", String.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath health = given().get("/q/health/ready").then().extract().jsonPath();
            Map<String, Object> check = health.getMap("checks.find { it.name == 'replication-slots' }");
            assertThat(check).isNotNull();
            assertThat(check.get("status")).isEqualTo("DOWN");
            assertThat(((Map<?, ?>) check.get("data")).containsKey(slot)).isTrue();
        });
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("sagaflow_replication_slot_retained_bytes{slot=\"" + slot + "\"}");
    }

    private static String latestStatus(String flow) {
        return given().queryParam("flow", flow).queryParam("limit", 1).get("/api/sagas").then().statusCode(200)
                .extract().path("items[0].status");
    }

    private static String letterOf(String sagaId) {
        return given().queryParam("source", "SAGA").get("/api/dead-letters").then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.origin == '" + sagaId + "' }.id");
    }

    private static void age(List<String> sagaIds, String by) throws SQLException {
        for (String id : sagaIds) {
            execute("UPDATE saga SET updated_at = now() - interval '" + by + "' WHERE id = ?::uuid", id);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                "postgres", "");
    }

    private static void execute(String sql, String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, id);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
    }

    private static long count(String sql, String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String archiveRecord(String key) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "archive-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(RetentionProfile.ARCHIVE_TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        found.add(r.value());
                    }
                }
                return !found.isEmpty();
            });
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
