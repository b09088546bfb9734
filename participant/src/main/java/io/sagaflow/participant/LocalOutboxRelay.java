package io.sagaflow.participant;

import io.sagaflow.loops.Backoff;
import io.sagaflow.cdc.CdcConfig;
import io.sagaflow.cdc.CdcRunner;
import io.sagaflow.cdc.JdbcTable;
import io.sagaflow.cdc.KafkaBatch;
import io.sagaflow.cdc.OffsetStore;
import io.sagaflow.cdc.ReplicationSlots;
import io.sagaflow.cdc.Source;
import io.sagaflow.cdc.UntilAccepted;
import io.sagaflow.participant.internal.KafkaSetup;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.engine.ChangeEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Runs on the {@link CdcRunner} of {@code sagaflow-cdc} (an optional dependency of the SDK: add it), restarted
 * with a backoff when the connection to the database is lost. Needs PostgreSQL with {@code wal_level=logical}. Run
 * one relay per database: a second one cannot take the active slot (its connector fails and retries).
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

    /** A restart waits 2 s, then longer while the database stays away. */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30));

    private final Options options;
    private final KafkaProducer<byte[], byte[]> producer;
    private final CdcRunner runner;
    private final UntilAccepted untilAcknowledged;
    private volatile boolean running = true;

    private LocalOutboxRelay(Options options) {
        this.options = options;
        producer = KafkaSetup.producer(options.bootstrapServers());
        untilAcknowledged = new UntilAccepted(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)),
                () -> running, "relay stopping with an unacknowledged batch");
        runner = new CdcRunner(new CdcRunner.Options(cdcConfig(options), this::handleBatch, Clock.systemUTC(), RESTART,
                "sagaflow-local-outbox-relay", () -> true, new CdcRunner.Events() {
                    @Override
                    public void failed(String message, Throwable error, Duration restartIn) {
                        LOG.log(Level.SEVERE, "local outbox relay stopped: " + message + "; restarting in "
                                + restartIn.toMillis() + " ms", error);
                    }
                }));
    }

    /**
     * Creates the table, the insert-only publication and the slot when missing, then starts relaying. Call it before
     * the first {@link LocalOutbox#write}: a row committed before the slot exists is not relayed.
     */
    public static LocalOutboxRelay start(Options options) throws SQLException {
        prepare(options);
        LocalOutboxRelay relay = new LocalOutboxRelay(options);
        relay.runner.start();
        return relay;
    }

    /** The table, publication and slot, created when missing (idempotent). */
    public static void prepare(Options options) throws SQLException {
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.user(), options.password())) {
            LocalOutbox.createTable(c);
            ReplicationSlots.ensure(c, source(options), LocalOutbox.TABLE);
        }
    }

    /** Relay health: the connector runs, or waits for its restart after losing the database. */
    public CdcRunner.Status status() {
        return runner.status();
    }

    private static Source.Postgres source(Options options) {
        URI db = URI.create(options.jdbcUrl().substring("jdbc:".length()));
        return new Source.Postgres(db.getHost(), db.getPort() < 0 ? 5432 : db.getPort(), db.getPath().substring(1),
                options.user(), options.password(), options.slot(), options.publication(),
                Source.Publication.CREATED_UP_FRONT);
    }

    private static CdcConfig cdcConfig(Options options) {
        return new CdcConfig("sagaflow-local-outbox-" + options.slot(), "sagaflow-local", source(options),
                "public." + LocalOutbox.TABLE, CdcConfig.SnapshotMode.NO_DATA,
                new OffsetStore.Jdbc(new JdbcTable(options.jdbcUrl(), options.user(), options.password(),
                        options.offsetTable())),
                Duration.ofMillis(10), Duration.ofSeconds(1), Map.of());
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            toKafka(change.value()).ifPresent(out::add);
        }
        sendUntilAcknowledged(out);
    }

    /** The Kafka record of an inserted row; empty for anything else (heartbeats, other operations). */
    private static Optional<ProducerRecord<byte[], byte[]>> toKafka(SourceRecord change) {
        if (!(change.value() instanceof Struct envelope) || envelope.schema().field("after") == null
                || envelope.getStruct("after") == null) {
            return Optional.empty();
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
        return Optional.of(record);
    }

    /** Kafka down is no reason to skip a row: keep trying, the position waits. */
    private void sendUntilAcknowledged(List<ProducerRecord<byte[], byte[]>> out) throws InterruptedException {
        untilAcknowledged.run(() -> KafkaBatch.sendAndAwait(producer, out, ACK_WAIT),
                (e, retryIn) -> LOG.warning("relaying " + out.size() + " records failed (" + e.getMessage()
                + "); retrying in " + retryIn.toMillis() + " ms"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops relaying; the slot stays, so nothing committed meanwhile is lost (drop it when retiring the relay). */
    @Override
    public void close() throws Exception {
        running = false;
        runner.close(Duration.ofSeconds(10));
        producer.close(Duration.ofSeconds(5));
    }
}
