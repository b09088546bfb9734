package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sagaflow.participant.Barrier;
import io.sagaflow.participant.BusinessFailure;
import io.sagaflow.participant.CheckBackHandler;
import io.sagaflow.participant.HttpParticipantHandler;
import io.sagaflow.participant.HttpParticipantServer;
import io.sagaflow.participant.JdbcParticipant;
import io.sagaflow.participant.MessageConsumer;
import io.sagaflow.participant.ReliableMessageProducer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The seeds' classic on the real engine, with the participant SDK on both sides: an order service that, once paid,
 * grants loyalty points through a reliable message; a loyalty service that consumes it under the barrier. Faults:
 * the producer dies between its local commit and the message commit; its local transaction fails; a consumer that
 * fails, then one that never succeeds; the message delivered twice.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class ReliableMessageSdkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DB = "sf_loyalty_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private static PGSimpleDataSource shop;
    private static HttpParticipantServer orderService;
    private static MessageConsumer loyalty;
    /** Orders whose points the loyalty handler refuses to grant for the first N attempts. */
    private static final ConcurrentHashMap<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private static final Set<String> neverGrant = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startServices() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DB);
        }
        shop = new PGSimpleDataSource();
        shop.setUrl("jdbc:postgresql://127.0.0.1:5432/" + DB + "?user=postgres");
        try (Connection c = shop.getConnection(); Statement st = c.createStatement()) {
            Barrier.createTable(c);
            CheckBackHandler.createTable(c);
            st.execute("CREATE TABLE paid_order (order_id text PRIMARY KEY, amount int NOT NULL)");
            st.execute("CREATE TABLE points (message_id text NOT NULL, consumer text NOT NULL, order_id text NOT NULL, "
                    + "points int NOT NULL)");
        }
        // The order service answers no saga commands here, only the engine's check-back.
        orderService = HttpParticipantServer.start(new InetSocketAddress("127.0.0.1", 0),
                new HttpParticipantHandler(new JdbcParticipant(shop))).mountCheckBack(new CheckBackHandler(shop));
    }

    /** The engine (and RestAssured's port) is up only once the first test runs. */
    @org.junit.jupiter.api.BeforeEach
    void deployFlowAndStartTheLoyaltyService() {
        deploy("loyalty-points-it", "loyalty.points.it", 3);   // the same content again answers 200
        synchronized (ReliableMessageSdkIT.class) {
            if (loyalty == null) {
                loyalty = consumer("loyalty.points.it", "loyalty-service");
            }
        }
    }

    private static URI engine() {
        return URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port);
    }

    private static void deploy(String name, String topic, int maxAttempts) {
        String yaml = """
                apiVersion: sagaflow.io/v1
                kind: Message
                metadata: { name: %s, version: 1 }
                spec:
                  topic: %s
                  checkBack: { http: { url: http://127.0.0.1:%d/tx-status }, after: 1s, every: 1s, maxChecks: 3 }
                  delivery: { retry: { maxAttempts: %d, backoff: exponential, initialDelay: 100ms, maxDelay: 400ms } }
                """.formatted(name, topic, orderService.port(), maxAttempts);
        assertThat(Api.postYaml(yaml).statusCode()).isIn(200, 201);
    }

    private static MessageConsumer consumer(String topic, String group) {
        MessageConsumer.Options options = new MessageConsumer.Options(
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class), topic, group,
                engine(),
                new MessageConsumer.Retry(3, Duration.ofMillis(100), Duration.ofMillis(400)));
        return new MessageConsumer(options, shop, (ctx, payload, tx) -> {
            String orderId = payload.path("orderId").asText();
            AtomicInteger left = failuresLeft.get(orderId);
            if (neverGrant.contains(orderId) || (left != null && left.getAndDecrement() > 0)) {
                throw new IllegalStateException("loyalty database busy for " + orderId);
            }
            try (PreparedStatement st = tx.prepareStatement(
                    "INSERT INTO points (message_id, consumer, order_id, points) VALUES (?, ?, ?, ?)")) {
                st.setString(1, ctx.messageId());
                st.setString(2, ctx.step());
                st.setString(3, orderId);
                st.setInt(4, payload.path("amount").asInt() / 10);
                st.executeUpdate();
            }
            return null;
        }).start();
    }

    @AfterAll
    static void stopServices() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {loyalty, orderService}) {
            if (c != null) {
                c.close();
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    private static ReliableMessageProducer producer() {
        return new ReliableMessageProducer(engine(), shop);
    }

    private static void pay(Connection tx, String orderId, int amount) throws Exception {
        try (PreparedStatement st = tx.prepareStatement("INSERT INTO paid_order (order_id, amount) VALUES (?, ?)")) {
            st.setString(1, orderId);
            st.setInt(2, amount);
            st.executeUpdate();
        }
    }

    private static int count(String sql, String arg) throws Exception {
        try (Connection c = shop.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String status(String messageId) {
        return given().get("/api/messages/" + messageId).then().statusCode(200).extract().path("status");
    }

    @Test
    void aPaidOrderGrantsItsPointsOnceThroughTheReliableMessage() throws Exception {
        String orderId = "o-" + UUID.randomUUID();
        String id = producer().send("loyalty-points-it", orderId,
                JSON.createObjectNode().put("orderId", orderId).put("amount", 250), tx -> pay(tx, orderId, 250));

        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM points WHERE order_id = ?", orderId) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(status(id)));
        assertThat(count("SELECT sum(points) FROM points WHERE order_id = ?", orderId)).isEqualTo(25);

        // Kafka delivers it again (a relay replay after a crash looks exactly like this): no second grant. A fence
        // message with the same key, hence the same partition, shows the duplicate was consumed before it.
        redeliver("loyalty.points.it", orderId, id, "{\"orderId\":\"" + orderId + "\",\"amount\":250}");
        String fence = producer().send("loyalty-points-it", orderId,
                JSON.createObjectNode().put("orderId", orderId + "-fence").put("amount", 10), tx -> { });
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM points WHERE order_id = ?",
                orderId + "-fence") == 1);
        assertThat(fence).isNotEqualTo(id);
        assertThat(count("SELECT count(*) FROM points WHERE order_id = ?", orderId)).isEqualTo(1);
    }

    private static void redeliver(String topic, String key, String messageId, String value) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value);
            record.headers().add("sagaflow-message-id", messageId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("sagaflow-command", "loyalty-points-it".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    @Test
    void aProducerKilledBetweenItsLocalCommitAndTheMessageCommitIsSettledByTheCheckBack() throws Exception {
        String orderId = "o-" + UUID.randomUUID();
        ReliableMessageProducer producer = producer();
        String id = producer.prepare("loyalty-points-it", orderId, JSON.createObjectNode().put("orderId", orderId).put("amount", 90));
        producer.runLocally(id, tx -> pay(tx, orderId, 90));
        // ... and the producer dies here: nobody tells the engine to commit.
        assertThat(status(id)).isEqualTo("PREPARED");

        await().atMost(Duration.ofSeconds(40)).until(() -> count("SELECT count(*) FROM points WHERE order_id = ?", orderId) == 1);
        JsonPath message = given().get("/api/messages/" + id).then().extract().jsonPath();
        assertThat(message.getString("status")).isIn("COMMITTED", "DELIVERED");
        assertThat(count("SELECT count(*) FROM paid_order WHERE order_id = ?", orderId)).isEqualTo(1);
    }

    @Test
    void aProducerWhoseLocalTransactionFailsRollsTheMessageBackAndNothingIsGranted() throws Exception {
        String orderId = "o-" + UUID.randomUUID();
        ReliableMessageProducer producer = producer();
        String id = producer.prepare("loyalty-points-it", orderId, JSON.createObjectNode().put("orderId", orderId).put("amount", 70));
        try {
            producer.runLocally(id, tx -> {
                pay(tx, orderId, 70);
                throw new BusinessFailure("card-declined", "the card was declined");
            });
        } catch (BusinessFailure expected) {
            // the producer's own failure, rethrown
        }
        assertThat(status(id)).isEqualTo("ROLLED_BACK");
        assertThat(count("SELECT count(*) FROM paid_order WHERE order_id = ?", orderId)).isZero();
        // the check-back agrees if asked
        assertThat(new CheckBackHandler(shop).status(id).name()).isEqualTo("ROLLED_BACK");
    }

    @Test
    void aPreparedMessageWhoseProducerNeverRanItsTransactionIsRolledBackByTheCheckBack() throws Exception {
        String orderId = "o-" + UUID.randomUUID();
        String id = producer().prepare("loyalty-points-it", orderId, JSON.createObjectNode().put("orderId", orderId));
        await().atMost(Duration.ofSeconds(40)).until(() -> "ROLLED_BACK".equals(status(id)));
        // the late local transaction can no longer commit: the check-back's ROLLED_BACK row holds its key
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> producer().runLocally(id, tx -> pay(tx, orderId, 1)))
                .isInstanceOf(java.sql.SQLException.class);
        assertThat(count("SELECT count(*) FROM points WHERE order_id = ?", orderId)).isZero();
    }

    @Test
    void aConsumerThatFailsTwiceIsRetriedAndOneThatNeverSucceedsIsDeadLetteredThenRedriven() throws Exception {
        String flaky = "o-" + UUID.randomUUID();
        failuresLeft.put(flaky, new AtomicInteger(2));
        producer().send("loyalty-points-it", flaky, JSON.createObjectNode().put("orderId", flaky).put("amount", 10),
                tx -> pay(tx, flaky, 10));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM points WHERE order_id = ?", flaky) == 1);

        String broken = "o-" + UUID.randomUUID();
        neverGrant.add(broken);
        String id = producer().send("loyalty-points-it", broken, JSON.createObjectNode().put("orderId", broken).put("amount", 10),
                tx -> pay(tx, broken, 10));
        String origin = id + ":loyalty-service";
        await().atMost(Duration.ofSeconds(30)).until(() -> given().queryParam("source", "MESSAGE_DELIVERY")
                .get("/api/dead-letters").then().extract().jsonPath().getList("items.origin").contains(origin));
        JsonPath letters = given().queryParam("source", "MESSAGE_DELIVERY").get("/api/dead-letters").then().extract().jsonPath();
        String letterId = letters.getString("items.find { it.origin == '" + origin + "' }.id");
        assertThat(letters.getInt("items.find { it.origin == '" + origin + "' }.attempts")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM points WHERE order_id = ?", broken)).isZero();

        // the loyalty database is fixed; the operator redrives: the message is published again and granted once
        neverGrant.remove(broken);
        given().post("/api/dead-letters/" + letterId + "/redrive").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM points WHERE order_id = ?", broken) == 1);
        assertThat(count("SELECT count(*) FROM points WHERE order_id = ?", flaky)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "RESOLVED".equals(given().get("/api/dead-letters/" + letterId)
                .then().extract().path("status")) || "REDRIVEN".equals(given().get("/api/dead-letters/" + letterId)
                .then().extract().path("status")));
    }
}
