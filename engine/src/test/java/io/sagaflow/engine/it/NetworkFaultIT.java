package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.Throttler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * Network faults between the engine and its PostgreSQL, and between the engine and Kafka (issue 14, item 9): a TCP
 * proxy of the test's own sits in front of each, and adds latency, cuts every connection, and blackholes traffic for
 * a while, as sagas keep starting. The engine recovers by itself: every saga completes, each participant effect is
 * applied once, the event logs are whole, and readiness is UP again.
 */
class NetworkFaultIT {

    private static final Logger LOG = Logger.getLogger(NetworkFaultIT.class);

    /** A throttler whose delay the test turns up and down while connections live. */
    static final class Latency implements Throttler {
        static volatile long nanos;

        @Override
        public long calculateDelayNs(ByteBuffer bb) {
            return nanos;
        }
    }

    private NioReactor reactor;
    private TcpCrusher toPostgres;
    private TcpCrusher toKafka;
    private TestInfra infra;
    private EngineProcess engine;

    @BeforeEach
    void startBehindProxies() throws Exception {
        reactor = new NioReactor(5);
        int kafkaPort = TestInfra.freePort();
        int kafkaProxyPort = TestInfra.freePort();
        toKafka = TcpCrusherBuilder.builder().withReactor(reactor)
                .withBindAddress("127.0.0.1", kafkaProxyPort).withConnectAddress("127.0.0.1", kafkaPort)
                .withIncomingThrottlerFactory(address -> new Latency()).buildAndOpen();
        infra = new TestInfra(kafkaPort, OptionalInt.of(kafkaProxyPort));
        toPostgres = TcpCrusherBuilder.builder().withReactor(reactor)
                .withBindAddress("127.0.0.1", TestInfra.freePort()).withConnectAddress("127.0.0.1", 5432)
                .withIncomingThrottlerFactory(address -> new Latency()).buildAndOpen();
        int pg = toPostgres.getBindAddress().getPort();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + pg + "/" + infra.database);
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + pg + "/" + infra.database);
        config.put("sagaflow.nodes.heartbeat", "1s");
        engine = EngineProcess.start(infra, "node-a", config);
        for (String file : List.of("order-checkout.yaml")) {
            String yaml = Files.readString(Path.of("../sample-flows/flows", file))
                    .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + infra.participants.httpPort());
            given().baseUri(engine.baseUri()).contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                    .post("/api/flows").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        Latency.nanos = 0;
        if (engine != null) {
            engine.close();
        }
        if (infra != null) {
            infra.close();
        }
        if (toPostgres != null) {
            toPostgres.close();
        }
        if (toKafka != null) {
            toKafka.close();
        }
        if (reactor != null) {
            reactor.close();
        }
    }

    @Test
    void everySagaCompletesOnceThroughLatencyCutConnectionsAndBlackholes() throws Exception {
        List<String> ids = new CopyOnWriteArrayList<>();
        AtomicBoolean starting = new AtomicBoolean(true);
        Thread starter = new Thread(() -> {
            int i = 0;
            while (starting.get()) {
                try {
                    ids.add(given().baseUri(engine.baseUri()).contentType(ContentType.JSON)
                            .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"n-" + i + "\",\"amount\":" + i + "}}")
                            .header("Idempotency-Key", "net-" + i)
                            .post("/api/sagas").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201))
                            .extract().<String>path("id"));
                    i++;
                } catch (AssertionError | Exception e) {
                    // A start that failed while the database was unreachable is retried with the same key: the
                    // client sees one saga, however many times it asked.
                    LOG.debugf("start %d refused during a fault (%s); retried", i, e.getMessage());
                }
                sleep(150);
            }
        }, "net-fault-starter");
        starter.start();
        try {
            sleep(2000);
            fault("latency 30 ms each way on PostgreSQL and Kafka", () -> Latency.nanos = TimeUnit.MILLISECONDS.toNanos(30),
                    Duration.ofSeconds(4), () -> Latency.nanos = 0);
            fault("every PostgreSQL connection cut", toPostgres::closeAllPairs, Duration.ofSeconds(3), () -> { });
            fault("PostgreSQL blackholed", toPostgres::freeze, Duration.ofSeconds(5), toPostgres::unfreeze);
            fault("every Kafka connection cut", toKafka::closeAllPairs, Duration.ofSeconds(3), () -> { });
            fault("Kafka blackholed", toKafka::freeze, Duration.ofSeconds(5), toKafka::unfreeze);
            sleep(2000);
        } finally {
            starting.set(false);
            starter.join(30_000);
        }
        assertThat(ids).hasSizeGreaterThan(20);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, String> now = statuses();
            assertThat(ids).allSatisfy(id -> assertThat(now.get(id)).as("saga %s", id).isEqualTo("COMPLETED"));
        });
        try (Connection c = infra.connect()) {
            Invariants.assertLogsAreWhole(c, ids, infra.participants.shop());
        }
        for (String id : ids) {
            assertThat(infra.participants.shop().effects().stream().filter(e -> e.idempotencyKey().startsWith(id)))
                    .as("effects of %s", id).hasSize(4);
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().baseUri(engine.baseUri()).get("/q/health/ready").statusCode() == 200);
        LOG.infof("%d sagas through five network faults: all COMPLETED, each effect once", ids.size());
    }

    private void fault(String what, Runnable inject, Duration lasting, Runnable heal) {
        LOG.infof("fault: %s for %d s", what, lasting.toSeconds());
        inject.run();
        sleep(lasting.toMillis());
        heal.run();
        sleep(2000);
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
