package io.sagaflow.participant;

import io.sagaflow.participant.internal.KafkaSetup;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.apache.kafka.clients.producer.ProducerRecord;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Relays a participant's local message table ({@link LocalOutbox}) to Kafka with Debezium embedded (pgoutput): each
 * committed row becomes one record on its {@code aggregatetype} topic, key {@code aggregateid}, value
 * {@code payload}, with header {@code id} (consumers drop redeliveries on it) and the row's extra headers.
 * At-least-once: a position is stored only after Kafka acknowledged its records, so a crash re-sends, never loses.
 *
 * <p>Needs {@code debezium-embedded}, {@code debezium-connector-postgres} and {@code debezium-storage-jdbc} on the
 * classpath (optional dependencies of the SDK) and PostgreSQL with {@code wal_level=logical}. Run one relay per
 * database: a second one cannot take the active slot (Debezium fails and stops).
 */
public final class LocalOutboxRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalOutboxRelay.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ACK_WAIT = Duration.ofSeconds(30);

    /**
     * Where to read and where to write.
     *
     * @param jdbcUrl          the participant's database, {@code jdbc:postgresql://host:port/database}
     * @param user             a user allowed to create a replication slot and a publication
     * @param password         its password (may be empty)
     * @param slot             the replication slot, unique per relayed database
     * @param publication      the publication of the table's inserts
     * @param offsetTable      the table where Debezium stores its position (created by Debezium)
     * @param bootstrapServers Kafka's {@code host:port} list
     */
    public record Options(String jdbcUrl, String user, String password, String slot, String publication,
                          String offsetTable, String bootstrapServers) {
        /** All are required; the password may be empty. */
        public Options {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl must not be null");
            Objects.requireNonNull(user, "user must not be null");
            Objects.requireNonNull(password, "password must not be null");
            Objects.requireNonNull(slot, "slot must not be null");
            Objects.requireNonNull(publication, "publication must not be null");
            Objects.requireNonNull(offsetTable, "offsetTable must not be null");
            Objects.requireNonNull(bootstrapServers, "bootstrapServers must not be null");
        }
    }

    private final Options options;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "sagaflow-local-outbox-relay"));
    private final DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private volatile boolean running = true;

    private LocalOutboxRelay(Options options) {
        this.options = options;
        producer = KafkaSetup.producer(options.bootstrapServers());
        engine = DebeziumEngine.create(Connect.class).using(debeziumProperties()).notifying(this::handleBatch)
                .using((success, message, error) -> {
                    if (!success && running) {
                        LOG.log(Level.SEVERE, "local outbox relay stopped: " + message, error);
                    }
                })
                .build();
    }

    /**
     * Creates the table, the insert-only publication and the slot when missing, then starts relaying. Call it before
     * the first {@link LocalOutbox#write}: a row committed before the slot exists is not relayed.
     */
    public static LocalOutboxRelay start(Options options) throws SQLException {
        prepare(options);
        LocalOutboxRelay relay = new LocalOutboxRelay(options);
        relay.executor.execute(relay.engine);
        return relay;
    }

    /** The table, publication and slot, created when missing (idempotent). */
    public static void prepare(Options options) throws SQLException {
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.user(), options.password())) {
            LocalOutbox.createTable(c);
            if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", options.publication())) {
                try (Statement st = c.createStatement()) {
                    // Inserts only: rows are deleted in the transaction that inserted them.
                    st.execute("CREATE PUBLICATION " + identifier(options.publication()) + " FOR TABLE "
                            + LocalOutbox.TABLE + " WITH (publish = 'insert')");
                }
            }
            if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", options.slot())) {
                try (PreparedStatement st = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    st.setString(1, options.slot());
                    st.execute();
                }
            }
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String identifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("a publication name must match [a-z_][a-z0-9_]*, was " + name);
        }
        return name;
    }

    private Properties debeziumProperties() {
        URI db = URI.create(options.jdbcUrl().substring("jdbc:".length()));
        Properties p = new Properties();
        p.setProperty("name", "sagaflow-local-outbox-" + options.slot());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.setProperty("offset.storage.jdbc.connection.url", options.jdbcUrl());
        p.setProperty("offset.storage.jdbc.connection.user", options.user());
        // The JDBC offset store refuses an empty password, even where the server asks for none (trust auth).
        p.setProperty("offset.storage.jdbc.connection.password", options.password().isEmpty() ? "unused" : options.password());
        p.setProperty("offset.storage.jdbc.table.name", options.offsetTable());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", db.getHost());
        p.setProperty("database.port", String.valueOf(db.getPort() < 0 ? 5432 : db.getPort()));
        p.setProperty("database.user", options.user());
        p.setProperty("database.password", options.password());
        p.setProperty("database.dbname", db.getPath().substring(1));
        p.setProperty("topic.prefix", "sagaflow-local");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", options.slot());
        p.setProperty("publication.name", options.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", "public." + LocalOutbox.TABLE);
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("poll.interval.ms", "10");
        return p;
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            toKafka(change.value()).ifPresent(out::add);
        }
        sendUntilAcknowledged(out);
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /** The Kafka record of an inserted row; empty for anything else (heartbeats, other operations). */
    private static java.util.Optional<ProducerRecord<byte[], byte[]>> toKafka(SourceRecord change) {
        if (!(change.value() instanceof Struct envelope) || envelope.schema().field("after") == null
                || envelope.getStruct("after") == null) {
            return java.util.Optional.empty();
        }
        Struct row = envelope.getStruct("after");
        String payload = row.getString("payload");
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(row.getString("aggregatetype"),
                utf8(row.getString("aggregateid")), payload == null ? null : utf8(payload));
        record.headers().add("id", utf8(String.valueOf(row.get("id"))));
        String headers = row.getString("headers");
        if (headers != null) {
            try {
                JsonNode extra = JSON.readTree(headers);
                extra.fields().forEachRemaining(e -> record.headers().add(e.getKey(), utf8(e.getValue().asText())));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                LOG.warning("headers of outbox row " + row.get("id") + " are not JSON; sent without them");
            }
        }
        return java.util.Optional.of(record);
    }

    /** Kafka down is no reason to skip a row: keep trying, the position waits. */
    private void sendUntilAcknowledged(List<ProducerRecord<byte[], byte[]>> out) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                List<Future<?>> acks = new ArrayList<>(out.size());
                for (ProducerRecord<byte[], byte[]> record : out) {
                    acks.add(producer.send(record));
                }
                for (Future<?> ack : acks) {
                    ack.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!running) {
                    throw new InterruptedException("relay stopping with an unacknowledged batch");
                }
                LOG.warning("relaying " + out.size() + " records failed (" + e.getMessage() + "); retrying in " + backoff + " ms");
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops relaying; the slot stays, so nothing committed meanwhile is lost (drop it when retiring the relay). */
    @Override
    public void close() throws Exception {
        running = false;
        engine.close();
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(5));
    }
}
