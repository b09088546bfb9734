package io.sagaflow.engine.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * {@link TestInfra} plus what a CacheSync test needs: its own redis-server on a random port (so a test can stop
 * it; the machine's Redis on 6379 is never touched), a database of its own on the machine's MariaDB, and a
 * slot prefix of its own; every slot a sync created is dropped afterwards.
 */
public class CacheSyncStack implements QuarkusTestResourceLifecycleManager {

    static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";

    static volatile TestInfra infra;
    static volatile int redisPort;
    static volatile Process redis;
    static volatile String mariaDb;
    static volatile String slotPrefix;

    /**
     * Started after {@link SagaflowStack} (order 0), which Quarkus applies to every test class too: the configuration
     * of the resource started last wins, so the engine runs on THIS stack's database. Without it the winner depended
     * on the iteration order of a set of test resources, which changed as test classes were added.
     */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public Map<String, String> start() {
        infra = new TestInfra();
        redisPort = TestInfra.freePort();
        startRedis();
        mariaDb = "sagaflow_it_" + infra.suffix;
        mariadb("CREATE DATABASE " + mariaDb);
        slotPrefix = "cs_" + infra.suffix + "_";
        Map<String, String> config = infra.engineConfig();
        config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + redisPort);
        config.put("sagaflow.cache-sync.slot-prefix", slotPrefix);
        config.put("sagaflow.cache-sync.marker-check", "300ms");
        return config;
    }

    @Override
    public void stop() {
        stopRedis();
        try {
            mariadb("DROP DATABASE IF EXISTS " + mariaDb);
        } catch (RuntimeException ignored) {
            // best effort
        }
        String like = slotPrefix + "%";
        for (int i = 0; i < 50; i++) {
            try {
                TestInfra.admin("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name LIKE '"
                        + like + "' AND active_pid IS NOT NULL");
                TestInfra.admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '"
                        + like + "'");
                break;
            } catch (IllegalStateException stillActive) {
                TestInfra.sleep(100);
            }
        }
        infra.close();
    }

    /** Starts redis-server (no persistence) on this stack's port and waits until it accepts connections. */
    static synchronized void startRedis() {
        try {
            redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(new File("target/redis-" + redisPort + ".log")).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed? scripts/infra.sh up)", e);
        }
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                return;
            } catch (java.io.IOException notYet) {
                TestInfra.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start on " + redisPort);
    }

    /** Stops this stack's redis-server: everything it held is gone. */
    static synchronized void stopRedis() {
        if (redis != null) {
            redis.destroy();
            try {
                redis.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            redis = null;
        }
    }

    static Connection mariadbConnection() throws SQLException {
        return DriverManager.getConnection(MARIADB + mariaDb, "root", "");
    }

    static void mariadb(String... sql) {
        try (Connection c = DriverManager.getConnection(MARIADB, "root", "");
             Statement st = c.createStatement()) {
            for (String s : List.of(sql)) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }
}
