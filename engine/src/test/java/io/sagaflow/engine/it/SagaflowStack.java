package io.sagaflow.engine.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.sagaflow.samples.ShopParticipants;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real stack for an engine under test: the machine's PostgreSQL (a fresh database per run, with its own
 * replication slot and publication, dropped afterwards), an in-JVM KRaft Kafka broker on a random port, and the
 * sample participants (HTTP on a random port, Kafka with a unique consumer group).
 */
public class SagaflowStack implements QuarkusTestResourceLifecycleManager {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    static volatile ShopParticipants participants;

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "sagaflow_it_" + suffix;
    private final String slot = "sagaflow_it_" + suffix;
    private EmbeddedKafkaBroker kafka;

    /** The running sample participants (their journal is what the tests observe). */
    public static ShopParticipants participants() {
        return participants;
    }

    @Override
    public Map<String, String> start() {
        requireLogicalDecoding();
        admin("CREATE DATABASE " + database);
        kafka = new EmbeddedKafkaBroker().withKafkaPort(freePort()).withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true).start();
        String bootstrap = kafka.getAdvertisedListeners().replace("PLAINTEXT://", "");
        try {
            participants = new ShopParticipants(bootstrap, 0, "sample-participants-" + suffix).start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the sample participants", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", PG + database);
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/" + database);
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("sagaflow.kafka.partitions", "2");
        config.put("sagaflow.relay.slot", slot);
        config.put("sagaflow.relay.publication", slot);
        config.put("sagaflow.replies.group", "sagaflow-engine-" + suffix);
        config.put("sagaflow.http-connector.group", "sagaflow-http-" + suffix);
        return config;
    }

    @Override
    public void stop() {
        try {
            if (participants != null) {
                participants.close();
            }
        } catch (Exception ignored) {
            // best effort
        }
        if (kafka != null) {
            kafka.close();
        }
        // The engine has stopped: its slot has no consumer left. Drop it, or PostgreSQL keeps WAL for it forever.
        admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    /** The test database's name, for tests that look at tables directly. */
    static String jdbcUrlOf(String db) {
        return PG + db;
    }

    private static void requireLogicalDecoding() {
        try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW wal_level")) {
            rs.next();
            if (!"logical".equals(rs.getString(1))) {
                throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 has wal_level=" + rs.getString(1)
                        + "; the outbox relay needs 'logical'. Run: scripts/infra.sh up postgres");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable on 127.0.0.1:5432 (run scripts/infra.sh up): "
                    + e.getMessage(), e);
        }
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
