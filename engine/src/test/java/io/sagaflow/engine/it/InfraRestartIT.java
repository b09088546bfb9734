package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.sagaflow.samples.Shop;
import io.sagaflow.samples.ShopParticipants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Infrastructure restarts mid-flight: the Kafka broker, then PostgreSQL, go away for a few seconds while sagas
 * are running and come back (same address, same data, like a real restart). Each test owns the instance it
 * restarts (never the machine's shared services): its own in-JVM broker on fixed ports with a kept log
 * directory, its own PostgreSQL 15 from {@code initdb}. The engine is the packaged jar in its own process. After
 * each restart every saga completes, no event log has a gap, no step settles twice, and each participant saw
 * one Idempotency-Key per saga, step and kind and applied each effect once.
 */
class InfraRestartIT {

    /** The deliberate outage: how long the service stays down. */
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final String BUSY = "{\"payments\":\"retry:1\",\"shipping\":\"retry:2\"}";

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "sagaflow_it_" + suffix;
    private final String slot = "sagaflow_it_" + suffix;
    /** Closed in reverse order after each test, also when it failed. */
    private final List<AutoCloseable> owned = new ArrayList<>();
    private ShopParticipants participants;
    private EngineProcess engine;
    private Map<String, String> engineConfig;
    private Db db;

    @FunctionalInterface
    private interface Db {
        Connection connect() throws SQLException;
    }

    @AfterEach
    void stopEverything() {
        Collections.reverse(owned);
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("cleanup failed: " + e);
            }
        }
    }

    @Test
    void completesEverySagaWhenTheKafkaBrokerRestartsMidFlight() throws Exception {
        RestartableKafka kafka = startOnSharedPostgres();

        List<String> ids = startSagas(0, 20, BUSY);
        await().atMost(Duration.ofSeconds(60)).until(() -> participants.shop().journal().size() >= 15);
        assertThat(statuses().values()).as("sagas in flight when the broker stops").contains("RUNNING");
        List<String> groups = List.of("sagaflow-engine-" + suffix, "sagaflow-http-" + suffix,
                "sample-participants-" + suffix);
        Map<String, Map<String, Long>> offsetsBefore = new HashMap<>();
        for (String group : groups) {
            offsetsBefore.put(group, kafka.committedOffsets(group));
            assertThat(offsetsBefore.get(group)).as("offsets committed by %s before the stop", group).isNotEmpty();
        }

        int seenBefore = participants.shop().journal().size();
        long t0 = System.nanoTime();
        kafka.stop();
        long stopped = System.nanoTime();
        // the REST start writes PostgreSQL only: sagas start while the broker is down, their commands wait
        ids.addAll(startSagas(20, 5, BUSY));
        long startedWhileDown = System.nanoTime();
        sleepUntil(stopped + OUTAGE.toNanos());
        int seenDuringOutage = participants.shop().journal().size() - seenBefore;
        long restarting = System.nanoTime();
        kafka.start();
        long up = System.nanoTime();
        // a restart, not a new broker: the committed offsets (and so the topics) are still there
        for (String group : groups) {
            Map<String, Long> after = kafka.committedOffsets(group);
            offsetsBefore.get(group).forEach((partition, offset) -> assertThat(after.get(partition))
                    .as("offset of %s on %s after the restart", group, partition).isGreaterThanOrEqualTo(offset));
        }

        awaitAll(ids, "COMPLETED");
        long done = System.nanoTime();
        try (Connection c = db.connect()) {
            Invariants.assertLogsAreWhole(c, ids, participants.shop());
        }
        for (String id : ids) {
            assertThat(participants.shop().effects().stream().filter(e -> e.idempotencyKey().startsWith(id)))
                    .as("effects of %s", id).hasSize(4);
        }
        assertNoLoopDied();
        System.out.printf("[InfraRestartIT] Kafka broker restart: %d commands at the participants before the "
                        + "stop; stop took %d ms; 5 sagas started while it was down in %d ms; start took %d ms; "
                        + "unavailable %d ms in all; %d commands reached the participants meanwhile; all %d sagas "
                        + "COMPLETED %d ms after it was back; %d step attempts timed out; %d commands delivered "
                        + "again%n",
                seenBefore, ms(stopped - t0), ms(startedWhileDown - stopped), ms(up - restarting), ms(up - t0),
                seenDuringOutage, ids.size(), ms(done - up), timedOutAttempts(), redeliveredCommands());
    }

    @Test
    void completesEverySagaWhenPostgreSQLRestartsMidFlight() throws Exception {
        OwnPostgres pg = OwnPostgres.start();
        owned.add(() -> {
            pg.keepLog(Path.of("target/engine-processes/" + suffix + "-postgres.log"));
            pg.close();
        });
        pg.execute("postgres", "CREATE DATABASE " + database);
        db = () -> pg.connect(database);
        RestartableKafka kafka = new RestartableKafka().start();
        owned.add(kafka);
        startParticipantsAndEngine(kafka.bootstrap(), pg.jdbcUrl(database), pg.reactiveUrl(database));

        List<String> ids = startSagas(0, 20, BUSY);
        await().atMost(Duration.ofSeconds(60)).until(() -> participants.shop().journal().size() >= 15);
        assertThat(statuses().values()).as("sagas in flight when PostgreSQL stops").contains("RUNNING");

        int seenBefore = participants.shop().journal().size();
        long t0 = System.nanoTime();
        pg.stopServer();
        long stopped = System.nanoTime();
        // The pollers' rounds fail while the database is away: their supervisors restart them, and readiness says so.
        boolean loopsDownSeen = false;
        while (System.nanoTime() < stopped + OUTAGE.toNanos()) {
            loopsDownSeen |= "DOWN".equals(readiness().getString("checks.find { it.name == 'loops' }.status"));
            TestInfra.sleep(200);
        }
        assertThat(loopsDownSeen).as("readiness 'loops' DOWN while PostgreSQL is away").isTrue();
        int seenDuringOutage = participants.shop().journal().size() - seenBefore;
        long restarting = System.nanoTime();
        pg.startServer();
        long up = System.nanoTime();

        // the API's pool reconnects too: new sagas start after the restart (retried under their Idempotency-Key)
        for (int i = 20; i < 25; i++) {
            int n = i;
            ids.add(await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> startSaga(n, BUSY), java.util.Objects::nonNull));
        }
        long acceptedAgain = System.nanoTime();

        awaitAll(ids, "COMPLETED");
        long done = System.nanoTime();
        try (Connection c = db.connect()) {
            Invariants.assertLogsAreWhole(c, ids, participants.shop());
        }
        for (String id : ids) {
            assertThat(participants.shop().effects().stream().filter(e -> e.idempotencyKey().startsWith(id)))
                    .as("effects of %s", id).hasSize(4);
        }
        assertNoLoopDied();
        java.util.regex.Matcher restarted = java.util.regex.Pattern.compile(
                        "sagaflow_loop_restarts_total\\{loop=\"sagaflow-timers\"[^}]*} ([0-9.]+)")
                .matcher(given().baseUri(engine.baseUri()).get("/q/metrics").then().extract().asString());
        assertThat(restarted.find()).as("restart counter of the timer poller").isTrue();
        assertThat(Double.parseDouble(restarted.group(1))).isGreaterThanOrEqualTo(1);
        System.out.printf("[InfraRestartIT] PostgreSQL restart: %d commands at the participants before the "
                        + "stop; pg_ctl stop -m fast took %d ms; start took %d ms; unavailable %d ms in all; %d "
                        + "commands reached the participants meanwhile; new starts accepted %d ms after it was "
                        + "back; all %d sagas COMPLETED %d ms after it was back; %d step attempts timed out; %d "
                        + "commands delivered again; relay started %d times%n",
                seenBefore, ms(stopped - t0), ms(up - restarting), ms(up - t0), seenDuringOutage,
                ms(acceptedAgain - up), ids.size(), ms(done - up), timedOutAttempts(), redeliveredCommands(),
                engine.logLines("outbox relay started").size());
    }

    /**
     * The relay's slot ahead of its stored offset, as a database restart can leave it: Debezium confirms to the
     * server the position of records it handled before their offsets reached the store. Made here on purpose: the
     * offsets of an earlier run put back and the slot moved on to the end of the WAL (everything in between was
     * relayed: all sagas had completed). The relay must resume from the slot, not refuse to start.
     */
    @Test
    void relayResumesWhenItsSlotIsAheadOfItsStoredOffset() throws Exception {
        startOnSharedPostgres();
        List<String> ids = startSagas(0, 5, "{}");
        awaitAll(ids, "COMPLETED");
        engine.close();
        List<String[]> earlierOffsets = offsetRows();
        assertThat(earlierOffsets).as("offsets stored by the first run").isNotEmpty();

        restartEngine("node-b");
        ids.addAll(startSagas(5, 5, "{}"));
        awaitAll(ids, "COMPLETED");
        engine.close();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("DELETE FROM sagaflow_relay_offsets");
            for (String[] row : earlierOffsets) {
                try (var insert = c.prepareStatement("INSERT INTO sagaflow_relay_offsets (id, offset_key, offset_val, "
                        + "record_insert_ts, record_insert_seq) VALUES (?, ?, ?, now(), ?)")) {
                    insert.setString(1, row[0]);
                    insert.setString(2, row[1]);
                    insert.setString(3, row[2]);
                    insert.setInt(4, Integer.parseInt(row[3]));
                    insert.executeUpdate();
                }
            }
            st.execute("SELECT pg_replication_slot_advance('" + slot + "', pg_current_wal_lsn())");
            try (ResultSet rs = st.executeQuery("SELECT restart_lsn > ('" + storedLsn(earlierOffsets) + "')::pg_lsn "
                    + "FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                assertThat(rs.next() && rs.getBoolean(1)).as("the slot's restart LSN is past the stored offset")
                        .isTrue();
            }
        }

        restartEngine("node-c");
        ids.addAll(startSagas(10, 5, "{}"));
        awaitAll(ids, "COMPLETED");
        assertThat(engine.logLines("no longer available")).as("the relay refused the stored offset").isEmpty();
        try (Connection c = db.connect()) {
            Invariants.assertLogsAreWhole(c, ids, participants.shop());
        }
        for (String id : ids) {
            assertThat(participants.shop().effects().stream().filter(e -> e.idempotencyKey().startsWith(id)))
                    .as("effects of %s", id).hasSize(4);
        }
    }

    private List<String[]> offsetRows() throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, offset_key, offset_val, record_insert_seq "
                     + "FROM sagaflow_relay_offsets")) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        return rows;
    }

    /** The processed position in Debezium's stored offset ({@code lsn_proc}, a number), as a pg_lsn text. */
    private static String storedLsn(List<String[]> offsets) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"lsn_proc\"\\s*:\\s*(\\d+)")
                .matcher(offsets.get(0)[2]);
        assertThat(m.find()).as("lsn_proc in %s", offsets.get(0)[2]).isTrue();
        long lsn = Long.parseLong(m.group(1));
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    private void restartEngine(String node) throws Exception {
        engine = EngineProcess.start(suffix, node, engineConfig);
        owned.add(engine);
    }

    // ---- the stack -------------------------------------------------------------------------------------------

    /**
     * The engine's database on the shared PostgreSQL (it is not restarted by these tests; slot and database dropped
     * after), this test's own Kafka broker, the participants and the engine.
     */
    private RestartableKafka startOnSharedPostgres() throws Exception {
        TestInfra.requireLogicalDecoding();
        TestInfra.admin("CREATE DATABASE " + database);
        owned.add(this::dropSharedDatabaseAndSlot);
        db = () -> java.sql.DriverManager.getConnection(TestInfra.PG + database, "postgres", "");
        RestartableKafka kafka = new RestartableKafka().start();
        owned.add(kafka);
        startParticipantsAndEngine(kafka.bootstrap(), TestInfra.PG + database,
                "postgresql://127.0.0.1:5432/" + database);
        return kafka;
    }

    private void startParticipantsAndEngine(String bootstrap, String jdbcUrl, String reactiveUrl) throws Exception {
        // the participants' barrier lives on the shared PostgreSQL, never restarted here; dropped after they stop
        owned.add(() -> TestInfra.dropParticipantsDatabase(database));
        participants = new ShopParticipants(bootstrap, 0, "sample-participants-" + suffix,
                TestInfra.participantsJdbcUrl(database)).start();
        owned.add(participants);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.reactive.url", reactiveUrl);
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("sagaflow.kafka.partitions", "2");
        config.put("sagaflow.relay.slot", slot);
        config.put("sagaflow.relay.publication", slot);
        config.put("sagaflow.replies.group", "sagaflow-engine-" + suffix);
        config.put("sagaflow.http-connector.group", "sagaflow-http-" + suffix);
        config.put("sagaflow.nodes.heartbeat", "1s");
        engineConfig = config;
        engine = EngineProcess.start(suffix, "node-a", config);
        owned.add(engine);
        deploy();
    }

    /** Like {@link TestInfra#close()}: end any session left on the slot, drop it, then the database. */
    private void dropSharedDatabaseAndSlot() {
        TestInfra.admin("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                + slot + "' AND active_pid IS NOT NULL");
        for (int i = 0; i < 50; i++) {
            try {
                TestInfra.admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                        + "WHERE slot_name = '" + slot + "'");
                break;
            } catch (IllegalStateException stillActive) {
                TestInfra.sleep(100);
            }
        }
        TestInfra.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private void deploy() throws Exception {
        for (String file : List.of("order-checkout.yaml", "order-checkout-strict.yaml")) {
            String yaml = Files.readString(Path.of("../sample-flows/flows", file))
                    .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + participants.httpPort());
            given().baseUri(engine.baseUri()).contentType("application/yaml")
                    .body(yaml.getBytes(StandardCharsets.UTF_8))
                    .post("/api/flows").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
    }

    private List<String> startSagas(int from, int n, String simulate) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            ids.add(startSaga(i, simulate));
        }
        return ids;
    }

    /** Starts saga number {@code i}; the Idempotency-Key makes a retry after a failed answer safe. */
    private String startSaga(int i, String simulate) {
        return given().baseUri(engine.baseUri()).contentType(ContentType.JSON)
                .header("Idempotency-Key", "infra-restart-" + suffix + "-" + i)
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"r-" + i + "\",\"amount\":" + i
                        + ",\"simulate\":" + simulate + "}}")
                .post("/api/sagas").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201))
                .extract().<String>path("id");
    }

    // ---- observations ----------------------------------------------------------------------------------------

    private Map<String, String> statuses() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, status FROM saga")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private void awaitAll(List<String> ids, String status) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Map<String, String> now = statuses();
                        assertThat(ids).allSatisfy(id -> assertThat(now.get(id)).as("saga %s", id).isEqualTo(status));
                    });
        } catch (ConditionTimeoutException e) {
            Map<String, String> now = statuses();
            Map<String, Long> counts = ids.stream().collect(Collectors.groupingBy(
                    id -> String.valueOf(now.get(id)), TreeMap::new, Collectors.counting()));
            throw new AssertionError("not every saga " + status + " after 180 s: " + counts + "; engine log "
                    + engine.log.toAbsolutePath() + ":\n" + engine.tail(), e);
        }
    }

    /** The engine's long-running loops log one of these lines when they give up for good. */
    /** Every supervised loop runs again (readiness 'loops' UP) once the outage is over. */
    private void assertNoLoopDied() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                readiness().getString("checks.find { it.name == 'loops' }.status")).isEqualTo("UP"));
    }

    private io.restassured.path.json.JsonPath readiness() {
        return given().baseUri(engine.baseUri()).get("/q/health/ready").then().extract().jsonPath();
    }

    private long timedOutAttempts() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM saga_event WHERE type = 'StepAttemptFailed' "
                     + "AND (data->>'timedOut')::boolean")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Commands a participant received more than once (same message id): redelivered by Kafka or the relay. */
    private long redeliveredCommands() {
        List<Shop.Received> journal = participants.shop().journal();
        return journal.size() - journal.stream().map(Shop.Received::messageId).distinct().count();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
