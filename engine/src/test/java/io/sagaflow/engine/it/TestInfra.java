package io.sagaflow.engine.it;

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
 * What an engine under test runs on: a fresh database on the machine's PostgreSQL (with its own replication slot
 * and publication, dropped afterwards), an in-JVM KRaft Kafka broker on a random port, and the sample
 * participants (HTTP on a random port, Kafka with a unique consumer group, their barrier in a database of their own
 * beside the engine's, {@code <database>_participants}). Everything it starts, it stops.
 */
final class TestInfra implements AutoCloseable {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

    final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final String database = "sagaflow_it_" + suffix;
    final String slot = "sagaflow_it_" + suffix;
    final EmbeddedKafkaBroker kafka;
    final String bootstrap;
    final ShopParticipants participants;

    TestInfra() {
        this(freePort(), java.util.OptionalInt.empty());
    }

    /**
     * @param kafkaPort       the broker's own port
     * @param advertisedKafka the port clients are told to use instead (a fault-injecting proxy in front of the
     *                        broker), so every client, the participants' included, goes through it
     */
    TestInfra(int kafkaPort, java.util.OptionalInt advertisedKafka) {
        requireLogicalDecoding();
        admin("CREATE DATABASE " + database);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withKafkaPort(kafkaPort).withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true);
        if (advertisedKafka.isPresent()) {
            broker = broker.withAdvertisedListeners("PLAINTEXT://127.0.0.1:" + advertisedKafka.getAsInt());
        }
        kafka = broker.start();
        bootstrap = kafka.getAdvertisedListeners().replace("PLAINTEXT://", "");
        try {
            participants = new ShopParticipants(bootstrap, 0, "sample-participants-" + suffix,
                    participantsJdbcUrl(database)).start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the sample participants", e);
        }
    }

    /** The engine's configuration for this stack. */
    Map<String, String> engineConfig() {
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

    /** A JDBC connection to this stack's database, for tests that look at tables directly. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(PG + database, "postgres", "");
    }

    @Override
    public void close() {
        try {
            participants.close();
        } catch (Exception ignored) {
            // best effort
        }
        kafka.close();
        // Engines have stopped: end any session left on the slot, then drop it, or PostgreSQL keeps WAL forever.
        admin("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND active_pid IS NOT NULL");
        for (int i = 0; i < 50; i++) {
            try {
                admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
                break;
            } catch (IllegalStateException stillActive) {
                sleep(100);
            }
        }
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        dropParticipantsDatabase(database);
    }

    /** The sample participants' own database for a test database (the participants create it on start). */
    static String participantsJdbcUrl(String database) {
        return PG + database + "_participants?user=postgres";
    }

    /** Drops what {@link #participantsJdbcUrl} named, once the participants have stopped. */
    static void dropParticipantsDatabase(String database) {
        admin("DROP DATABASE IF EXISTS " + database + "_participants WITH (FORCE)");
    }

    static void requireLogicalDecoding() {
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

    static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
