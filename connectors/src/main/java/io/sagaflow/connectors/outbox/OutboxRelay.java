package io.sagaflow.connectors.outbox;

import io.debezium.engine.ChangeEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.loops.Backoff;
import io.sagaflow.cdc.CdcConfig;
import io.sagaflow.cdc.CdcRunner;
import io.sagaflow.cdc.JdbcTable;
import io.sagaflow.cdc.KafkaBatch;
import io.sagaflow.cdc.OffsetStore;
import io.sagaflow.cdc.ReplicationSlots;
import io.sagaflow.cdc.Source;
import io.sagaflow.cdc.UntilAccepted;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.internal.Leadership;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.wire.KafkaHeader;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** A restart waits 2 s (a database restart takes about that), then longer while it stays away. */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10));
    private static final Backoff SINK_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** How long one record of a batch may wait for its acknowledgement before the batch is tried again. */
    private static final Duration ACK_WAIT = Duration.ofSeconds(30);

    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final JdbcTarget db;
    private final Clock clock;
    private final Counter relayed;
    private final Counter sentDirectly;
    private final Counter sentDifferently;
    private final DirectSends direct = new DirectSends(java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sagaflow-direct-send");
        t.setDaemon(true);
        return t;
    }));
    private final Timer batchTime;
    private final List<PublishedListener> listeners;
    private final UntilAccepted untilAcknowledged = new UntilAccepted(SINK_RETRY, () -> this.running,
            "relay stopping with an unacknowledged batch");
    private final UntilAccepted untilListenersAccepted = new UntilAccepted(SINK_RETRY, () -> this.running,
            "relay stopping before its listeners accepted a batch");
    private Leadership leadership;
    private volatile CdcRunner runner;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile boolean running;

    public OutboxRelay(SagaflowConfig config, KafkaClients kafka, MeterRegistry metrics, Clock clock,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                       @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "postgres") String user,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
                       Instance<PublishedListener> listeners) {
        this.config = config;
        this.listeners = listeners.stream().toList();
        this.kafka = kafka;
        this.clock = clock;
        this.db = JdbcTarget.parse(jdbcUrl, user, password.orElse(""));
        this.relayed = metrics.counter("sagaflow.outbox.relayed");
        this.sentDirectly = metrics.counter("sagaflow.outbox.direct", "result", "sent");
        this.sentDifferently = metrics.counter("sagaflow.outbox.direct", "result", "different");
        this.batchTime = metrics.timer("sagaflow.outbox.batch");
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        if (!config.relay().enabled()) {
            LOG.info("outbox relay disabled on this node (sagaflow.relay.enabled=false)");
            return;
        }
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            throw new IllegalStateException("the outbox relay (Debezium embedded) does not run in the native engine: "
                    + "set sagaflow.relay.enabled=false on native nodes and run the relay on a JVM node "
                    + "(ARCHITECTURE.md, \"Native image\")");
        }
        CdcConfig cdcConfig = cdcConfig(config.relay(), db);
        prepareSlotAndPublication((Source.Postgres) cdcConfig.source());
        running = true;
        producer = kafka.producer("sagaflow-outbox-relay");
        runner = new CdcRunner(new CdcRunner.Options(cdcConfig, this::handleBatch, clock, RESTART,
                "sagaflow-outbox-relay", this::leader, new CdcRunner.Events() {
                    @Override
                    public void starting() {
                        LOG.infof("outbox relay started: slot %s, publication %s -> Kafka %s", config.relay().slot(),
                                config.relay().publication(), config.kafka().bootstrapServers());
                        if (config.relay().directSend()) {
                            direct.open(producer);
                        }
                    }

                    @Override
                    public void failed(String message, Throwable error, Duration restartIn) {
                        direct.close();
                        LOG.warnf(error, "outbox relay stopped (%s); restarting in %d ms", message, restartIn.toMillis());
                    }
                }));
        // Exactly one node relays: the holder of the slot's advisory lock (connectors.internal.Leadership).
        leadership = new Leadership("sagaflow-relay:" + config.relay().slot(),
                "the outbox relay (slot " + config.relay().slot() + ")",
                () -> DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()),
                config.relay().leadershipCheck(), new Leadership.Role() {
                    @Override
                    public void acquired(Connection lockConnection) throws SQLException {
                        // Holding the lock, a session still streaming from the slot belongs to a dead node.
                        ReplicationSlots.endStreamingSession(lockConnection, config.relay().slot());
                        runner.start();
                    }

                    @Override
                    public void lost() {
                        direct.close();
                        runner.stop();
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
        direct.close();
        leadership.stop(Duration.ofSeconds(10));
        runner.close();
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * A batch of direct sends for one transaction that writes outbox rows ({@link DirectSends}): records sent right
     * after the commit by this node, which leads the relay; {@link DirectSends.Batch#NONE} on any other node, or
     * while the relay is not streaming, or with {@code sagaflow.relay.direct-send=false}.
     */
    public DirectSends.Batch directBatch() {
        return running && leader() && runner.state() == CdcRunner.State.RUNNING ? direct.batch() : DirectSends.Batch.NONE;
    }

    /** True while this node is the relay leader and Debezium runs (or restarts after losing the database). */
    public boolean running() {
        return running && leader() && runner.active();
    }

    /** True while this node is the relay leader and Debezium is up (not restarting after a failure). */
    public boolean streaming() {
        return running() && runner.state() == CdcRunner.State.RUNNING;
    }

    /** True when this node takes part in relaying ({@code sagaflow.relay.enabled}). */
    public boolean enabled() {
        return config.relay().enabled();
    }

    /** True while this node holds the relay's advisory lock. */
    public boolean leader() {
        return leadership != null && leadership.held();
    }

    /** True when this node runs the relay or stands by for it; false when it should but cannot. */
    public boolean healthy() {
        return !running || !leader() || runner.active();
    }

    /** The relay's connector: state, since when, restarts; empty when the relay is disabled on this node. */
    public Optional<CdcRunner.Status> status() {
        CdcRunner r = runner;
        return r == null ? Optional.empty() : Optional.of(r.status());
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records) throws InterruptedException {
        long started = System.nanoTime();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        List<PublishedListener.Published> published = new ArrayList<>(records.size());
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            SourceRecord r = change.value();
            if (r.topic() != null && r.value() != null) {
                ProducerRecord<byte[], byte[]> record = toKafka(r);
                switch (direct.relayed(record, DirectSends.WAIT)) {
                    case RELAY -> out.add(record);
                    case SENT -> sentDirectly.increment();
                    case SENT_DIFFERENT -> sentDifferently.increment();
                }
                published.add(new PublishedListener.Published(header(record, KafkaHeader.MESSAGE_ID),
                        header(record, KafkaHeader.KIND), record.topic()));
            }
        }
        sendUntilAcknowledged(out);
        // Before the offsets: a crash in between re-publishes the batch and tells the listeners again (harmless),
        // whereas telling them after the offsets could lose the news for good.
        tellUntilAccepted(published);
        relayed.increment(out.size());
        batchTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /** Kafka down is not a reason to drop or skip rows: keep trying, the offsets wait. */
    private void sendUntilAcknowledged(List<ProducerRecord<byte[], byte[]>> out) throws InterruptedException {
        untilAcknowledged.run(() -> KafkaBatch.sendAndAwait(producer, out, ACK_WAIT),
                (e, retryIn) -> LOG.warnf("relaying %d records to Kafka failed (%s); retrying in %d ms", out.size(),
                e.getMessage(), retryIn.toMillis()));
    }

    /** A listener failing (e.g. its database is briefly away) holds the offsets back and is asked again. */
    private void tellUntilAccepted(List<PublishedListener.Published> published) throws InterruptedException {
        if (published.isEmpty()) {
            return;
        }
        for (PublishedListener listener : listeners) {
            untilListenersAccepted.run(() -> listener.published(published),
                    (e, retryIn) -> LOG.warnf("telling %s about %d published records failed (%s); retrying in %d ms",
                            listener.getClass().getSimpleName(), published.size(), e.getMessage(), retryIn.toMillis()));
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
            if (h.value() != null && !h.key().startsWith(OutboxHeaders.DEBEZIUM_CONTEXT)) {
                record.headers().add(h.key(), h.value().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return record;
    }

    /**
     * The relay's change stream. What is the relay's own: the slot created up front, no snapshot (an outbox row
     * matters once), and the EventRouter with our headers.
     */
    static CdcConfig cdcConfig(SagaflowConfig.Relay relay, JdbcTarget db) {
        Source.Postgres source = new Source.Postgres(db.host(), db.port(), db.database(), db.user(), db.password(),
                relay.slot(), relay.publication(), Source.Publication.CREATED_UP_FRONT);
        Map<String, String> extra = new LinkedHashMap<>();
        // When the database goes away, give up on the offset store at once instead of 5 retries 3 s apart: the
        // relay restarts itself, and a lingering replication session would hold up the database's own shutdown.
        extra.put("offset.storage.jdbc.connection.retry.max.attempts", "1");
        extra.put("offset.storage.jdbc.connection.wait.retry.delay.ms", "500");
        extra.put("transforms", "outbox");
        extra.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        extra.put("transforms.outbox.route.by.field", "aggregatetype");
        extra.put("transforms.outbox.route.topic.replacement", "${routedByValue}");
        extra.put("transforms.outbox.table.fields.additional.placement", OutboxHeaders.eventRouterPlacement());
        extra.putAll(db.debeziumSsl());   // TLS as the engine's JDBC URL asks for it
        return new CdcConfig("sagaflow-outbox-" + relay.slot(), "sagaflow", source, TABLE,
                CdcConfig.SnapshotMode.NO_DATA,
                new OffsetStore.Jdbc(new JdbcTable(db.jdbcUrl(), db.user(), db.password(), relay.offsetTable())),
                relay.pollInterval(), relay.offsetFlushInterval(), extra);
    }

    /**
     * Creates the replication slot and the insert-only publication if missing. Creating the slot here, before
     * the engine accepts work, means every outbox row committed from now on is kept for the relay.
     */
    private void prepareSlotAndPublication(Source.Postgres source) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            if (ReplicationSlots.ensure(c, source, TABLE)) {
                LOG.infof("created replication slot %s (publication %s)", source.slot(), source.publication());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the outbox relay's slot and publication on "
                    + db.jdbcUrl() + ": " + e.getMessage()
                    + " (is wal_level=logical? run scripts/infra.sh up)", e);
        }
    }
}
