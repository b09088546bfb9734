package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * CacheSync on the real PostgreSQL (the engine's own database), MariaDB and a redis-server of the test's own.
 * Sizes are system properties: {@code cachesync.load} (initial rows, default 2000), {@code cachesync.changes}
 * (concurrent changes, default 5000), {@code cachesync.redisDownSeconds} (default 5; the figure is 30),
 * {@code cachesync.latencySamples} (default 100). The oracle, after quiescence: every row's key holds exactly the
 * row, and no other key exists under the sync's prefix.
 */
@QuarkusTest
@QuarkusTestResource(value = CacheSyncStack.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheSyncIT {

    private static final Logger LOG = Logger.getLogger(CacheSyncIT.class);
    private static final int LOAD = Integer.getInteger("cachesync.load", 2000);
    private static final int CHANGES = Integer.getInteger("cachesync.changes", 5000);
    private static final int REDIS_DOWN_S = Integer.getInteger("cachesync.redisDownSeconds", 5);
    private static final int LATENCY_SAMPLES = Integer.getInteger("cachesync.latencySamples", 100);
    private static final Duration CONVERGE = Duration.ofSeconds(Integer.getInteger("cachesync.convergeSeconds", 180));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Redis redis;

    static CacheOracle.Source pg(String sync, String table, String prefix) {
        return new CacheOracle.Source(sync, prefix, true, true, table, () -> CacheSyncStack.infra.connect());
    }

    static CacheOracle.Source maria(String sync, String table, String prefix) {
        return new CacheOracle.Source(sync, prefix, false, false, table, CacheSyncStack::mariadbConnection);
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void postgresInitialLoadConcurrentChangesAndOneRowManyTimes() throws Exception {
        CacheOracle.Source s = pg("pg-products", "products", "pgp:");
        loadAndStream(s, deployPostgres(s));
    }

    @Test
    @Order(2)
    void mariadbInitialLoadConcurrentChangesAndOneRowManyTimes() throws Exception {
        CacheOracle.Source s = maria("mdb-products", "products", "mdb:");
        loadAndStream(s, deployMariadb(s));
    }

    @Test
    @Order(3)
    void redisStoppedInTheMiddleIsRebuilt() throws Exception {
        CacheOracle.Source s = pg("pg-outage", "outage", "out:");
        createTable(s);
        insertRows(s, 1, 500);
        Api.postYaml(deployPostgres(s)).then().statusCode(201);
        awaitOracle(s);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(501);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int seed = w;
            done.add(writers.submit(() -> writeUntil(s, stop, Integer.MAX_VALUE, nextId, seed)));
        }
        Thread.sleep(1000);
        CacheSyncStack.stopRedis();
        LOG.infof("redis stopped for %d s", REDIS_DOWN_S);
        Thread.sleep(REDIS_DOWN_S * 1000L);
        CacheSyncStack.startRedis();
        LOG.info("redis started again, empty");
        Thread.sleep(1500);
        stop.set(true);
        int changes = 0;
        for (Future<Integer> f : done) {
            changes += f.get(60, TimeUnit.SECONDS);
        }
        writers.shutdown();
        long t0 = System.nanoTime();
        awaitOracle(s);
        LOG.infof("redis outage of %d s with %d concurrent changes: cache equal to the table %d ms after the writers"
                + " stopped", REDIS_DOWN_S, changes, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    @Order(4)
    void reconcileRepairsDriftAndReportsIt() throws Exception {
        CacheOracle.Source s = maria("mdb-products", "products", "mdb:");
        awaitOracle(s);
        int id;
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(id), max(id) FROM products")) {
            rs.next();
            id = rs.getInt(1);
        }
        // missing: a key removed behind the sync's back; stale: a value changed; extra: a key without a row
        send(Request.cmd(Command.DEL).arg(s.keyPrefix() + id));
        List<Integer> two = ids(s, 2, id);
        send(Request.cmd(Command.SET).arg(s.keyPrefix() + two.get(1)).arg("{\"id\":0,\"name\":\"tampered\"}"));
        send(Request.cmd(Command.SET).arg(s.keyPrefix() + "999999999").arg("{\"id\":999999999}"));
        Response r = given().post("/api/cache-syncs/" + s.sync() + "/reconcile");
        r.then().statusCode(200);
        assertThat(r.jsonPath().getLong("missing")).isEqualTo(1);
        assertThat(r.jsonPath().getLong("stale")).isEqualTo(1);
        assertThat(r.jsonPath().getLong("extra")).isEqualTo(1);
        awaitOracle(s);

        Response status = given().get("/api/cache-syncs/" + s.sync());
        status.then().statusCode(200);
        assertThat(status.jsonPath().getString("name")).isEqualTo(s.sync());
        assertThat(status.jsonPath().getString("state")).isEqualTo("RUNNING");
        assertThat(status.jsonPath().getLong("applied")).isPositive();
        assertThat(status.jsonPath().getLong("lastReconcile.missing")).isEqualTo(1);
        assertThat(status.jsonPath().getString("lastReconcile.at")).isNotBlank();
        assertThat(status.jsonPath().getString("source.table")).endsWith(".products");

        // a clean reconcile finds nothing
        Response again = given().post("/api/cache-syncs/" + s.sync() + "/reconcile");
        assertThat(again.jsonPath().getLong("missing") + again.jsonPath().getLong("stale")
                + again.jsonPath().getLong("extra")).isZero();

        given().get("/api/cache-syncs/no-such-sync").then().statusCode(404)
                .contentType("application/problem+json");
        given().post("/api/cache-syncs/no-such-sync/reconcile").then().statusCode(404);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("sagaflow_cachesync_applied_total").contains("sagaflow_cachesync_lag");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(5)
    void undeployStopsTheSyncAndDropsItsSlotPublicationAndTablesButKeepsTheCache() throws Exception {
        CacheOracle.Source s = pg("pg-retired", "retired", "ret:");
        createTable(s);
        insertRows(s, 1, 50);
        Api.postYaml(deployPostgres(s)).then().statusCode(201);
        awaitOracle(s);
        String ident = CacheSyncStack.slotPrefix + s.sync().replace('-', '_');
        assertThat(exists("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", ident)).isTrue();

        given().delete("/api/flows/" + s.sync()).then().statusCode(204);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(exists("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", ident)).isFalse();
            assertThat(exists("SELECT 1 FROM pg_publication WHERE pubname = ?", ident)).isFalse();
            assertThat(exists("SELECT 1 FROM pg_tables WHERE tablename = ?", ident + "_offsets")).isFalse();
        });
        given().get("/api/cache-syncs/" + s.sync()).then().statusCode(404);
        // The cached values are the application's: left as they were; changes are no longer followed.
        assertThat(keys(s)).hasSize(50);
        try (Connection c = s.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE " + s.table() + " SET name = 'after undeploy' WHERE id = 1");
        }
        Thread.sleep(2000);
        assertThat(send(Request.cmd(Command.HGET).arg(s.keyPrefix() + "1").arg("name")).toString()).isEqualTo("product 1");
        given().get("/api/flows/" + s.sync()).then().statusCode(200).body("deployed", org.hamcrest.Matchers.equalTo(false));
    }

    private static boolean exists(String sql, String name) throws SQLException {
        try (Connection c = CacheSyncStack.infra.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    // ------------------------------------------------------------------ the scenario both sources run

    private void loadAndStream(CacheOracle.Source s, String yaml) throws Exception {
        createTable(s);
        long t = System.nanoTime();
        insertRows(s, 1, LOAD);
        LOG.infof("[%s] inserted %d rows in %d ms", s.sync(), LOAD, (System.nanoTime() - t) / 1_000_000);

        long deployed = System.nanoTime();
        Api.postYaml(yaml).then().statusCode(201);
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> keys(s).size() >= LOAD);
        long loadMs = (System.nanoTime() - deployed) / 1_000_000;
        awaitOracle(s);
        LOG.infof("[%s] initial load: %d rows in Redis %d ms after deploy (%.0f rows/s, incl. connector start)",
                s.sync(), LOAD, loadMs, LOAD * 1000.0 / loadMs);

        // one row updated many times in one transaction: the last value wins
        try (Connection c = s.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("UPDATE " + s.table() + " SET stock = ?, name = ? WHERE id = 1")) {
                for (int i = 0; i < 300; i++) {
                    st.setInt(1, i);
                    st.setString(2, "many-" + i);
                    st.executeUpdate();
                }
            }
            c.commit();
        }
        awaitOracle(s);

        // concurrent updates, inserts and deletes
        AtomicInteger nextId = new AtomicInteger(LOAD + 1);
        int writersCount = 4;
        ExecutorService writers = Executors.newFixedThreadPool(writersCount);
        long started = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < writersCount; w++) {
            int seed = w + 10;
            done.add(writers.submit(() -> writeUntil(s, new AtomicBoolean(), CHANGES / writersCount, nextId, seed)));
        }
        int changes = 0;
        for (Future<Integer> f : done) {
            changes += f.get(10, TimeUnit.MINUTES);
        }
        writers.shutdown();
        long writtenMs = (System.nanoTime() - started) / 1_000_000;
        awaitOracle(s);
        long convergedMs = (System.nanoTime() - started) / 1_000_000;
        LOG.infof("[%s] %d concurrent changes (4 writers) written in %d ms, cache equal to the table after %d ms"
                + " (%.0f changes/s end to end)", s.sync(), changes, writtenMs, convergedMs, changes * 1000.0 / convergedMs);

        // apply rate: one transaction changing every row, from commit to the last key updated
        int rows = count(s);
        long bulk = System.nanoTime();
        try (Connection c = s.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + s.table() + " SET stock = stock + 1");
        }
        long committed = System.nanoTime();
        awaitOracle(s);
        long bulkMs = Math.max(1, (System.nanoTime() - committed) / 1_000_000);
        LOG.infof("[%s] bulk update of %d rows (commit took %d ms): applied in %d ms = %.0f changes/s", s.sync(), rows,
                (committed - bulk) / 1_000_000, bulkMs, rows * 1000.0 / bulkMs);

        measureLatency(s);
    }

    /** Commit to visible in Redis, one change at a time (the test polls Redis every ~0.2 ms). */
    private void measureLatency(CacheOracle.Source s) throws Exception {
        int id;
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(id) FROM " + s.table())) {
            rs.next();
            id = rs.getInt(1);
        }
        String key = s.keyPrefix() + id;
        long[] micros = new long[LATENCY_SAMPLES];
        try (Connection c = s.connect();
             PreparedStatement st = c.prepareStatement("UPDATE " + s.table() + " SET stock = ? WHERE id = ?")) {
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                int value = 1_000_000 + i;
                st.setInt(1, value);
                st.setInt(2, id);
                st.executeUpdate();
                long t0 = System.nanoTime();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
                while (!String.valueOf(value).equals(stockIn(s, key))) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("update " + i + " not visible in Redis after 30 s");
                    }
                    Thread.onSpinWait();
                }
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
        }
        java.util.Arrays.sort(micros);
        LOG.infof("[%s] commit -> visible in Redis over %d single-row updates: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                s.sync(), LATENCY_SAMPLES, micros[LATENCY_SAMPLES / 2] / 1000.0,
                micros[Math.min(LATENCY_SAMPLES - 1, (int) Math.ceil(LATENCY_SAMPLES * 0.99) - 1)] / 1000.0,
                micros[LATENCY_SAMPLES - 1] / 1000.0);
    }

    private String stockIn(CacheOracle.Source s, String key) throws Exception {
        if (s.hash()) {
            var r = send(Request.cmd(Command.HGET).arg(key).arg("stock"));
            return r == null ? null : r.toString();
        }
        var r = send(Request.cmd(Command.GET).arg(key));
        if (r == null) {
            return null;
        }
        Object v = JSON.readValue(r.toString(), Map.class).get("stock");
        return v == null ? null : v.toString();
    }

    /** Random updates (60 %), inserts (25 %) and deletes (15 %), each its own transaction. */
    static int writeUntil(CacheOracle.Source s, AtomicBoolean stop, int max, AtomicInteger nextId, int seed) throws SQLException {
        Random random = new Random(seed);
        int n = 0;
        try (Connection c = s.connect();
             PreparedStatement upd = c.prepareStatement("UPDATE " + s.table() + " SET name = ?, price = ?, stock = ? WHERE id = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO " + s.table() + " (id, name, price, stock) VALUES (?, ?, ?, ?)");
             PreparedStatement del = c.prepareStatement("DELETE FROM " + s.table() + " WHERE id = ?")) {
            while (!stop.get() && n < max) {
                double p = random.nextDouble();
                int high = nextId.get() - 1;
                if (p < 0.60) {
                    upd.setString(1, "u" + random.nextInt(1_000_000));
                    upd.setBigDecimal(2, BigDecimal.valueOf(random.nextInt(100_000), 2));
                    upd.setInt(3, random.nextInt(1000));
                    upd.setInt(4, 1 + random.nextInt(high));
                    upd.executeUpdate();
                } else if (p < 0.85) {
                    int id = nextId.getAndIncrement();
                    ins.setInt(1, id);
                    ins.setString(2, "n" + id);
                    ins.setBigDecimal(3, BigDecimal.valueOf(random.nextInt(100_000), 2));
                    ins.setInt(4, random.nextInt(1000));
                    ins.executeUpdate();
                } else {
                    del.setInt(1, 2 + random.nextInt(Math.max(1, high - 1)));   // row 1 stays (latency probe)
                    del.executeUpdate();
                }
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ oracle

    private void awaitOracle(CacheOracle.Source s) {
        CacheOracle.await(redis, s, CONVERGE);
    }

    private List<String> keys(CacheOracle.Source s) throws Exception {
        return CacheOracle.keys(redis, s);
    }

    private io.vertx.redis.client.Response send(Request r) throws Exception {
        return CacheOracle.send(redis, r);
    }

    // ------------------------------------------------------------------ tables and documents

    private static void createTable(CacheOracle.Source s) throws SQLException {
        try (Connection c = s.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + s.table() + " (id int PRIMARY KEY, name varchar(100), price numeric(10,2), stock int)");
        }
    }

    private static void insertRows(CacheOracle.Source s, int from, int to) throws SQLException {
        try (Connection c = s.connect();
             PreparedStatement st = c.prepareStatement("INSERT INTO " + s.table() + " (id, name, price, stock) VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int id = from; id <= to; id++) {
                st.setInt(1, id);
                st.setString(2, "product " + id);
                st.setBigDecimal(3, BigDecimal.valueOf(id * 7L % 10_000, 2));
                st.setInt(4, id % 100);
                st.addBatch();
                if (id % 500 == 0) {
                    st.executeBatch();
                    c.commit();
                }
            }
            st.executeBatch();
            c.commit();
        }
    }

    private static int count(CacheOracle.Source s) throws SQLException {
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + s.table())) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Integer> ids(CacheOracle.Source s, int n, int after) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + s.table() + " WHERE id >= " + after + " ORDER BY id LIMIT " + n)) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private static String deployPostgres(CacheOracle.Source s) {
        return """
                apiVersion: sagaflow.io/v1
                kind: CacheSync
                metadata: { name: %s, version: 1 }
                spec:
                  source:
                    postgres: { table: public.%s }
                  key: "%s${id}"
                  value: { hash: [id, name, price, stock] }
                  deletes: delete
                  reconcile: { every: 1h }
                """.formatted(s.sync(), s.table(), s.keyPrefix());
    }

    private static String deployMariadb(CacheOracle.Source s) {
        String db = CacheSyncStack.mariaDb;
        return """
                apiVersion: sagaflow.io/v1
                kind: CacheSync
                metadata: { name: %s, version: 1 }
                spec:
                  source:
                    mariadb: { url: "mariadb://127.0.0.1:3306/%s", user: root, table: %s.%s }
                  key: "%s${id}"
                  value: { json: [id, name, price, stock] }
                  deletes: delete
                  reconcile: { every: 1h }
                """.formatted(s.sync(), db, db, s.table(), s.keyPrefix());
    }

    static {
        // keep DriverManager aware of both drivers in the test JVM
        try {
            Class.forName("org.postgresql.Driver");
            Class.forName("org.mariadb.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
