package io.sagaflow.connectors.outbox;

import io.sagaflow.connectors.internal.Leadership;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.wire.KafkaHeader;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Relays the outbox table to Kafka: Debezium embedded reads the table's inserts from PostgreSQL's WAL
 * (pgoutput), the EventRouter turns each row into a record for its topic with the {@code sagaflow-*} headers,
 * and this class produces them. A batch's offsets are committed only after Kafka acknowledged every record, so
 * a crash redelivers (at-least-once; consumers dedupe on the message id) and never loses one.
 *
 * <p>The slot and the publication are created before the engine takes work, so no row committed before the
 * relay first connects is missed.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The outbox table; its columns are the EventRouter's names plus our header columns. */
    public static final String TABLE = "public.sagaflow_outbox";

    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final JdbcTarget db;
    private final Counter relayed;
    private final Timer batchTime;
    private final List<PublishedListener> listeners;
    private ExecutorService executor;
    private Leadership leadership;
    private volatile DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile boolean running;

    public OutboxRelay(SagaflowConfig config, KafkaClients kafka, MeterRegistry metrics,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                       @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "postgres") String user,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
                       Instance<PublishedListener> listeners) {
        this.config = config;
        this.listeners = listeners.stream().toList();
        this.kafka = kafka;
        this.db = JdbcTarget.parse(jdbcUrl, user, password.orElse(""));
        this.relayed = metrics.counter("sagaflow.outbox.relayed");
        this.batchTime = metrics.timer("sagaflow.outbox.batch");
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        if (!config.relay().enabled()) {
            LOG.info("outbox relay disabled on this node (sagaflow.relay.enabled=false)");
            return;
        }
        prepareSlotAndPublication();
        running = true;
        producer = kafka.producer("sagaflow-outbox-relay");
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "sagaflow-outbox-relay"));
        // Exactly one node relays: the holder of the slot's advisory lock (connectors.internal.Leadership).
        leadership = new Leadership("sagaflow-relay:" + config.relay().slot(),
                "the outbox relay (slot " + config.relay().slot() + ")",
                () -> DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()),
                config.relay().leadershipCheck(), new Leadership.Role() {
                    @Override
                    public void acquired(Connection lockConnection) throws SQLException {
                        endZombieWalsender(lockConnection);
                        startEngine();
                    }

                    @Override
                    public void lost() {
                        stopEngine();
                    }
                });
        leadership.start("sagaflow-relay-leadership");
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Stops relaying and gives up leadership (also used by tests that simulate a dying node). */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        leadership.stop(Duration.ofSeconds(10));
        stopEngine();
        executor.shutdown();
        producer.close(Duration.ofSeconds(5));
    }

    /** True while this node is the relay leader and Debezium runs. */
    public boolean running() {
        return running && leader() && engine != null;
    }

    /** True while this node holds the relay's advisory lock. */
    public boolean leader() {
        return leadership != null && leadership.held();
    }

    /** True when this node runs the relay or stands by for it; false when it should but cannot. */
    public boolean healthy() {
        return !running || !leader() || engine != null;
    }

    /**
     * Holding the lock, any session still streaming from the slot belongs to a dead node (its walsender lives until
     * wal_sender_timeout): end it so Debezium can take the slot now.
     */
    private void endZombieWalsender(Connection lockConnection) throws SQLException {
        try (PreparedStatement st = lockConnection.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            st.setString(1, config.relay().slot());
            st.execute();
        }
    }

    private synchronized void startEngine() {
        engine = DebeziumEngine.create(Connect.class)
                .using(debeziumProperties())
                .notifying(this::handleBatch)
                .using((success, message, error) -> onEngineStopped(success, message, error))
                .build();
        executor.execute(engine);
        LOG.infof("outbox relay started: slot %s, publication %s -> Kafka %s", config.relay().slot(),
                config.relay().publication(), config.kafka().bootstrapServers());
    }

    private synchronized void stopEngine() {
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> current = engine;
        engine = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                LOG.warn("closing the Debezium engine failed", e);
            }
        }
    }

    /** Debezium stops on a lost connection (a database restart); start it again while this node leads. */
    private void onEngineStopped(boolean success, String message, Throwable error) {
        if (!running || !leader() || engine == null) {
            return;
        }
        LOG.warnf(error, "outbox relay stopped (%s); restarting in 2 s", message);
        Thread restarter = new Thread(() -> {
            try {
                Thread.sleep(2000);
                synchronized (this) {
                    if (running && leader()) {
                        stopEngine();
                        startEngine();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sagaflow-outbox-relay-restart");
        restarter.setDaemon(true);
        restarter.start();
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        long started = System.nanoTime();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        List<PublishedListener.Published> published = new ArrayList<>(records.size());
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            SourceRecord r = change.value();
            if (r.topic() != null && r.value() != null) {
                ProducerRecord<byte[], byte[]> record = toKafka(r);
                out.add(record);
                published.add(new PublishedListener.Published(header(record, KafkaHeader.MESSAGE_ID),
                        header(record, KafkaHeader.KIND), record.topic()));
            }
        }
        sendUntilAcknowledged(out);
        // Before the offsets: a crash in between re-publishes the batch and tells the listeners again (harmless),
        // whereas telling them after the offsets could lose the news for good.
        tellUntilAccepted(published);
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
        relayed.increment(out.size());
        batchTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /** Kafka down is not a reason to drop or skip rows: keep trying, the offsets wait. */
    private void sendUntilAcknowledged(List<ProducerRecord<byte[], byte[]>> out) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                List<Future<?>> acks = new ArrayList<>(out.size());
                for (ProducerRecord<byte[], byte[]> record : out) {
                    acks.add(producer.send(record));
                }
                for (Future<?> ack : acks) {
                    ack.get(30, TimeUnit.SECONDS);
                }
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!running) {
                    throw new InterruptedException("relay stopping with an unacknowledged batch");
                }
                LOG.warnf("relaying %d records to Kafka failed (%s); retrying in %d ms", out.size(),
                        e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** A listener failing (e.g. its database is briefly away) holds the offsets back and is asked again. */
    private void tellUntilAccepted(List<PublishedListener.Published> published) throws InterruptedException {
        if (published.isEmpty()) {
            return;
        }
        for (PublishedListener listener : listeners) {
            long backoff = 100;
            while (true) {
                try {
                    listener.published(published);
                    break;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    if (!running) {
                        throw new InterruptedException("relay stopping before its listeners accepted a batch");
                    }
                    LOG.warnf("telling %s about %d published records failed (%s); retrying in %d ms",
                            listener.getClass().getSimpleName(), published.size(), e.getMessage(), backoff);
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, 5000);
                }
            }
        }
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ProducerRecord<byte[], byte[]> toKafka(SourceRecord r) {
        byte[] key = r.key() == null ? null : r.key().toString().getBytes(StandardCharsets.UTF_8);
        byte[] value = r.value().toString().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(r.topic(), key, value);
        for (Header h : r.headers()) {
            if (h.value() != null) {
                record.headers().add(h.key(), h.value().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return record;
    }

    private Properties debeziumProperties() {
        SagaflowConfig.Relay relay = config.relay();
        Properties p = new Properties();
        p.setProperty("name", "sagaflow-outbox-" + relay.slot());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.setProperty("offset.storage.jdbc.connection.url", db.jdbcUrl());
        p.setProperty("offset.storage.jdbc.connection.user", db.user());
        // The JDBC offset store refuses an empty password even under trust authentication.
        p.setProperty("offset.storage.jdbc.connection.password", db.password().isEmpty() ? "unused" : db.password());
        p.setProperty("offset.storage.jdbc.table.name", relay.offsetTable());
        // When the database goes away, give up on the offset store at once instead of 5 retries 3 s apart: the
        // relay restarts itself, and a lingering replication session would hold up the database's own shutdown.
        p.setProperty("offset.storage.jdbc.connection.retry.max.attempts", "1");
        p.setProperty("offset.storage.jdbc.connection.wait.retry.delay.ms", "500");
        p.setProperty("offset.flush.interval.ms", String.valueOf(relay.offsetFlushInterval().toMillis()));
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", String.valueOf(db.port()));
        p.setProperty("database.user", db.user());
        p.setProperty("database.password", db.password());
        p.setProperty("database.dbname", db.database());
        p.setProperty("topic.prefix", "sagaflow");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", relay.slot());
        p.setProperty("publication.name", relay.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", TABLE);
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("poll.interval.ms", String.valueOf(relay.pollInterval().toMillis()));
        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.route.by.field", "aggregatetype");
        p.setProperty("transforms.outbox.route.topic.replacement", "${routedByValue}");
        p.setProperty("transforms.outbox.table.fields.additional.placement", OutboxHeaders.eventRouterPlacement());
        return p;
    }

    /**
     * Creates the replication slot and the insert-only publication if missing. Creating the slot here, before
     * the engine accepts work, means every outbox row committed from now on is kept for the relay.
     */
    private void prepareSlotAndPublication() {
        SagaflowConfig.Relay relay = config.relay();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", relay.publication())) {
                try (var st = c.createStatement()) {
                    // Inserts only: rows are deleted in the transaction that inserted them.
                    st.execute("CREATE PUBLICATION " + quoteIdent(relay.publication()) + " FOR TABLE " + TABLE
                            + " WITH (publish = 'insert')");
                }
                LOG.infof("created publication %s", relay.publication());
            }
            if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", relay.slot())) {
                try (PreparedStatement st = c.prepareStatement(
                        "SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    st.setString(1, relay.slot());
                    st.execute();
                }
                LOG.infof("created replication slot %s", relay.slot());
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("already exists")) {
                return;   // another node created it at the same moment
            }
            throw new IllegalStateException("cannot prepare the outbox relay's slot and publication on "
                    + db.jdbcUrl() + ": " + e.getMessage()
                    + " (is wal_level=logical? run scripts/infra.sh up)", e);
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

    private static String quoteIdent(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("sagaflow.relay names must match [a-z_][a-z0-9_]*, was " + name);
        }
        return name;
    }
}
