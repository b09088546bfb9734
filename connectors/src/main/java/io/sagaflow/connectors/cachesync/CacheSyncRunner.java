package io.sagaflow.connectors.cachesync;

import io.sagaflow.connectors.internal.Leadership;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.outbox.JdbcTarget;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

/**
 * One deployed CacheSync: the node holding the sync's advisory lock (on the engine database) runs a Debezium
 * embedded connector on the source table and applies each batch to Redis before committing its offsets; every
 * node can reconcile. Positions, marker and status live in Redis under {@code <redisPrefix><name>:}.
 */
final class CacheSyncRunner {

    private static final Logger LOG = Logger.getLogger(CacheSyncRunner.class);

    final CacheSyncFlow flow;
    final String name;
    private final SagaflowConfig.CacheSync config;
    private final JdbcTarget engineDb;
    private final SourceDb source;
    private final Redis redis;
    private final RowCodec codec;
    private final RedisApplier applier;
    private final Reconciler reconciler;
    private final String ident;
    private final String posKey;
    private final String markerKey;
    private final String statusKey;
    private final String nodeId;

    private final Counter appliedCounter;
    private final Counter errorCounter;
    private final Timer visible;
    private final List<io.micrometer.core.instrument.Meter> meters = new ArrayList<>();
    private final MeterRegistry metrics;

    private final ExecutorService engineExecutor;
    private final ScheduledExecutorService background;
    private final Leadership leadership;
    private volatile boolean running;
    private volatile DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private volatile String state = "STOPPED";
    private volatile long pendingSince;
    private volatile long lastLagMillis;
    private final AtomicLong applied = new AtomicLong();
    private volatile String markerValue;
    private volatile Instant nextReconcile;

    CacheSyncRunner(CacheSyncFlow flow, SagaflowConfig.CacheSync config, JdbcTarget engineDb, Redis redis,
                    MeterRegistry metrics, String nodeId) {
        this.flow = flow;
        this.name = flow.id().name();
        this.config = config;
        this.engineDb = engineDb;
        this.source = SourceDb.of(flow.source(), engineDb);
        this.redis = redis;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.codec = new RowCodec(flow);
        this.ident = identifier(config.slotPrefix() + name);
        this.posKey = config.redisPrefix() + name + ":pos";
        this.markerKey = config.redisPrefix() + name + ":marker";
        this.statusKey = config.redisPrefix() + name + ":status";
        this.applier = new RedisApplier(redis, posKey, flow.ttl().map(Duration::toMillis).orElse(0L),
                flow.value().format() == CacheSyncFlow.Format.HASH);
        this.reconciler = new Reconciler(flow, source, codec, applier, config);
        Tags tags = Tags.of("sync", name);
        this.appliedCounter = Counter.builder("sagaflow.cachesync.applied").tags(tags)
                .description("changes applied to Redis").register(metrics);
        this.errorCounter = Counter.builder("sagaflow.cachesync.errors").tags(tags)
                .description("failed attempts to apply a batch or run a reconcile").register(metrics);
        this.visible = Timer.builder("sagaflow.cachesync.visible").tags(tags)
                .description("from the source commit to Redis acknowledging the change")
                .publishPercentiles(0.5, 0.99).register(metrics);
        meters.add(appliedCounter);
        meters.add(errorCounter);
        meters.add(visible);
        meters.add(Gauge.builder("sagaflow.cachesync.lag", this, r -> r.lagMillis()).tags(tags)
                .baseUnit("milliseconds").description("age of the oldest change not yet in Redis").register(metrics));
        this.engineExecutor = Executors.newSingleThreadExecutor(r -> new Thread(r, "sagaflow-cachesync-" + name));
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sagaflow-cachesync-reconcile-" + name);
            t.setDaemon(true);
            return t;
        });
        // One owner per sync: the holder of its advisory lock on the engine database.
        this.leadership = new Leadership("sagaflow-cachesync:" + name, "cache sync " + name,
                () -> DriverManager.getConnection(engineDb.jdbcUrl(), engineDb.user(), engineDb.password()),
                config.leadershipCheck(), new Leadership.Role() {
                    @Override
                    public void acquired(Connection lockConnection) throws SQLException {
                        takeOver();
                    }

                    @Override
                    public void lost() {
                        stopEngine();
                        if (running) {
                            state = "STANDBY";
                        }
                    }
                });
    }

    /** A SQL identifier from a sync name: lower case, [a-z0-9_], at most 50 characters. */
    static String identifier(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 50 ? s.substring(0, 50) : s;
    }

    String sourceDescription() {
        return source.describe() + " " + flow.source().table();
    }

    // ------------------------------------------------------------------ lifecycle and ownership

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        state = "STANDBY";
        leadership.start("sagaflow-cachesync-leadership-" + name);
        background.scheduleWithFixedDelay(this::ownerChores, config.markerCheck().toMillis(),
                config.markerCheck().toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        leadership.stop(Duration.ofSeconds(30));
        background.shutdownNow();
        engineExecutor.shutdown();
        meters.forEach(metrics::remove);
        state = "STOPPED";
    }

    boolean owner() {
        return leadership.held();
    }

    /** Just became the owner: take the slot from a dead owner, check the cache, start streaming. */
    private void takeOver() throws SQLException {
        if (source.postgres()) {
            // A session still streaming from the slot belongs to a dead owner: end it so we can take the slot now.
            try (Connection c = source.connect(); PreparedStatement st = c.prepareStatement(
                    "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
                st.setString(1, ident);
                st.execute();
            }
        }
        boolean firstStart = !offsetsExist();
        LOG.infof("this node owns cache sync %s (%s -> Redis)%s", name, sourceDescription(),
                firstStart ? ", initial load" : "");
        checkMarker(!firstStart);
        startEngine();
    }

    private boolean offsetsExist() {
        try (Connection c = DriverManager.getConnection(engineDb.jdbcUrl(), engineDb.user(), engineDb.password());
             PreparedStatement st = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            st.setString(1, ident + "_offsets");
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
            try (var q = c.createStatement(); ResultSet rs = q.executeQuery("SELECT count(*) FROM " + ident + "_offsets")) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private synchronized void startEngine() {
        state = "STARTING";
        engine = DebeziumEngine.create(Connect.class)
                .using(debeziumProperties())
                .notifying(this::handleBatch)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        if ("STARTING".equals(state)) {
                            state = "RUNNING";
                        }
                    }
                })
                .using((success, message, error) -> onEngineStopped(message, error))
                .build();
        engineExecutor.execute(engine);
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

    private void onEngineStopped(String message, Throwable error) {
        if (!running || !owner() || engine == null) {
            return;
        }
        errorCounter.increment();
        state = "RESTARTING";
        LOG.warnf(error, "cache sync %s stopped (%s); restarting in 2 s", name, message);
        Thread restarter = new Thread(() -> {
            try {
                Thread.sleep(2000);
                synchronized (this) {
                    if (running && owner()) {
                        stopEngine();
                        startEngine();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sagaflow-cachesync-restart-" + name);
        restarter.setDaemon(true);
        restarter.start();
    }

    Properties debeziumProperties() {
        Properties p = new Properties();
        String engineUser = engineDb.user();
        String enginePassword = engineDb.password().isEmpty() ? "unused" : engineDb.password();
        p.setProperty("name", "sagaflow-cachesync-" + ident);
        p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.setProperty("offset.storage.jdbc.connection.url", engineDb.jdbcUrl());
        p.setProperty("offset.storage.jdbc.connection.user", engineUser);
        p.setProperty("offset.storage.jdbc.connection.password", enginePassword);
        p.setProperty("offset.storage.jdbc.table.name", ident + "_offsets");
        p.setProperty("offset.flush.interval.ms", String.valueOf(config.offsetFlushInterval().toMillis()));
        p.setProperty("poll.interval.ms", String.valueOf(config.pollInterval().toMillis()));
        p.setProperty("topic.prefix", ident);
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", String.valueOf(source.port()));
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password());
        p.setProperty("table.include.list", flow.source().table().toString());
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("errors.max.retries", "-1");
        if (source.postgres()) {
            p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            p.setProperty("database.dbname", source.database());
            p.setProperty("plugin.name", "pgoutput");
            p.setProperty("slot.name", ident);
            p.setProperty("publication.name", ident);
            p.setProperty("publication.autocreate.mode", "filtered");
        } else {
            p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
            p.setProperty("database.server.id", String.valueOf(100_000 + Math.floorMod(ident.hashCode(), 1_000_000)));
            p.setProperty("database.include.list", flow.source().table().qualifier());
            p.setProperty("database.ssl.mode", "disable");
            p.setProperty("snapshot.locking.mode", "none");
            p.setProperty("include.schema.changes", "false");
            p.setProperty("schema.history.internal", "io.debezium.storage.jdbc.history.JdbcSchemaHistory");
            p.setProperty("schema.history.internal.jdbc.connection.url", engineDb.jdbcUrl());
            p.setProperty("schema.history.internal.jdbc.connection.user", engineUser);
            p.setProperty("schema.history.internal.jdbc.connection.password", enginePassword);
            p.setProperty("schema.history.internal.jdbc.schema.history.table.name", ident + "_history");
            p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        }
        return p;
    }

    // ------------------------------------------------------------------ applying changes

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        List<RedisApplier.Change> changes = new ArrayList<>(records.size());
        List<Long> commitTimes = new ArrayList<>(records.size());
        long oldest = Long.MAX_VALUE;
        boolean snapshot = false;
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            SourceRecord r = change.value();
            if (r == null || !(r.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
                continue;
            }
            String op = envelope.getString("op");
            Struct src = envelope.getStruct("source");
            boolean fromSnapshot = isSnapshot(src);
            snapshot |= fromSnapshot;
            String position = position(r, src, fromSnapshot);
            Map<String, Object> before = row(envelope, "before");
            Map<String, Object> after = row(envelope, "after");
            switch (op) {
                case "c", "r", "u" -> {
                    if (after == null) {
                        continue;
                    }
                    String key = codec.key(after);
                    if (before != null && codec.hasKey(before) && !codec.key(before).equals(key)) {
                        changes.add(new RedisApplier.Change('d', codec.key(before), position, List.of()));
                    }
                    changes.add(new RedisApplier.Change('u', key, position, codec.value(after)));
                }
                case "d" -> {
                    if (before == null || !codec.hasKey(before)) {
                        LOG.warnf("cache sync %s: a delete without the key's columns (set REPLICA IDENTITY FULL or key"
                                + " on the primary key); the reconcile will remove the key", name);
                        continue;
                    }
                    changes.add(new RedisApplier.Change('d', codec.key(before), position, List.of()));
                }
                default -> {
                    continue;
                }
            }
            Long ts = src.getInt64("ts_ms");
            if (ts != null && !fromSnapshot) {
                commitTimes.add(ts);
                oldest = Math.min(oldest, ts);
            }
        }
        if (snapshot && !"SNAPSHOT".equals(state)) {
            state = "SNAPSHOT";
        } else if (!snapshot && "SNAPSHOT".equals(state)) {
            state = "RUNNING";
        }
        pendingSince = oldest == Long.MAX_VALUE ? 0 : oldest;
        applyUntilAcknowledged(changes);
        long now = System.currentTimeMillis();
        for (Long ts : commitTimes) {
            visible.record(Math.max(0, now - ts), TimeUnit.MILLISECONDS);
        }
        lastLagMillis = pendingSince == 0 ? 0 : now - pendingSince;
        pendingSince = 0;
        applied.addAndGet(changes.size());
        appliedCounter.increment(changes.size());
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /** Redis down is not a reason to skip a change: keep trying, the offsets wait. */
    private void applyUntilAcknowledged(List<RedisApplier.Change> changes) throws InterruptedException {
        long backoff = 100;
        String before = state;
        while (true) {
            try {
                applier.apply(changes);
                if ("REDIS_DOWN".equals(state)) {
                    state = "RUNNING".equals(before) || "REDIS_DOWN".equals(before) ? "RUNNING" : before;
                }
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!running || !owner()) {
                    throw new InterruptedException("cache sync stopping with an unacknowledged batch");
                }
                errorCounter.increment();
                state = "REDIS_DOWN";
                LOG.warnf("cache sync %s: applying %d changes to Redis failed (%s); retrying in %d ms", name,
                        changes.size(), e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    private static boolean isSnapshot(Struct src) {
        if (src.schema().field("snapshot") == null) {
            return false;
        }
        Object s = src.get("snapshot");
        return s != null && !"false".equals(s.toString());
    }

    /**
     * The change's place in the source's commit order, as a string that compares in that order. Snapshot rows
     * ("0...") are older than every streamed change ("1..."). PostgreSQL: (last commit LSN before this
     * transaction, LSN of the change): both grow in commit order, the second inside a transaction. MariaDB:
     * (binlog file, position of the transaction, event inside it, row inside the event).
     */
    String position(SourceRecord r, Struct src, boolean fromSnapshot) {
        Map<String, ?> offset = r.sourceOffset();
        String phase = fromSnapshot ? "0" : "1";
        if (source.postgres()) {
            long commit = fromSnapshot ? 0 : number(offset.get("lsn_commit"));
            long lsn = src.schema().field("lsn") != null && src.get("lsn") != null ? src.getInt64("lsn")
                    : number(offset.get("lsn"));
            return phase + String.format("%016x%016x", commit, lsn);
        }
        String file = String.valueOf(offset.get("file"));
        long fileNo = 0;
        int dot = file.lastIndexOf('.');
        if (dot >= 0) {
            try {
                fileNo = Long.parseLong(file.substring(dot + 1));
            } catch (NumberFormatException ignored) {
                // not numbered
            }
        }
        long row = src.schema().field("row") != null && src.get("row") != null ? ((Number) src.get("row")).longValue() : 0;
        return phase + String.format("%010d%020d%010d%010d", fileNo, number(offset.get("pos")),
                number(offset.get("event")), row);
    }

    private static long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o == null) {
            return 0;
        }
        try {
            return Long.parseLong(o.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, Object> row(Struct envelope, String field) {
        if (envelope.schema().field(field) == null) {
            return null;
        }
        Struct s = envelope.getStruct(field);
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new HashMap<>();
        for (Field f : s.schema().fields()) {
            m.put(f.name(), s.get(f));
        }
        return m;
    }

    // ------------------------------------------------------------------ marker, reconcile, status

    /** Runs on the background thread: the marker check, and the periodic reconcile on the owner. */
    private void ownerChores() {
        if (!owner()) {
            return;
        }
        try {
            checkMarker(true);
            if (nextReconcile == null) {
                nextReconcile = Instant.now().plus(flow.reconcile().every());
            } else if (Instant.now().isAfter(nextReconcile)) {
                nextReconcile = Instant.now().plus(flow.reconcile().every());
                runReconcile("periodic");
            }
        } catch (Exception e) {
            errorCounter.increment();
            LOG.debugf("cache sync %s: background check failed: %s", name, e.getMessage());
        }
    }

    /**
     * Redis keeps nothing on disk: a marker key written when this node took the sync disappears when Redis loses
     * its data. Then the cache is rebuilt by a full reconcile (every row written again).
     */
    private synchronized void checkMarker(boolean rebuildIfMissing) {
        try {
            Response exists = applier.send(Request.cmd(Command.EXISTS).arg(markerKey));
            if (exists != null && exists.toInteger() == 1 && markerValue != null) {
                return;
            }
            boolean missing = exists == null || exists.toInteger() == 0;
            markerValue = UUID.randomUUID().toString();
            applier.send(Request.cmd(Command.SET).arg(markerKey).arg(nodeId + " " + markerValue));
            if (missing && rebuildIfMissing) {
                LOG.warnf("cache sync %s: Redis lost its data (marker %s gone); rebuilding from the table", name, markerKey);
                background.execute(() -> runReconcile("rebuild"));
            }
        } catch (Exception e) {
            errorCounter.increment();
            LOG.debugf("cache sync %s: marker check failed: %s", name, e.getMessage());
        }
    }

    /** Reconciles now on the calling thread, serialized with the background ones. */
    Reconciler.Result reconcileNow() throws Exception {
        Future<Reconciler.Result> f = background.submit(() -> runReconcile("on request"));
        return f.get(30, TimeUnit.MINUTES);
    }

    private Reconciler.Result runReconcile(String why) {
        try {
            Reconciler.Result r = reconciler.run();
            metrics.counter("sagaflow.cachesync.reconcile.missing", "sync", name).increment(r.missing());
            metrics.counter("sagaflow.cachesync.reconcile.stale", "sync", name).increment(r.stale());
            metrics.counter("sagaflow.cachesync.reconcile.extra", "sync", name).increment(r.extra());
            applier.send(Request.cmd(Command.HSET).arg(statusKey)
                    .arg("reconcileAt").arg(r.at().toString())
                    .arg("missing").arg(r.missing()).arg("stale").arg(r.stale()).arg("extra").arg(r.extra()));
            LOG.infof("cache sync %s: reconcile (%s) compared %d rows: %d missing, %d stale, %d extra, repaired",
                    name, why, r.rows(), r.missing(), r.stale(), r.extra());
            return r;
        } catch (Exception e) {
            errorCounter.increment();
            throw new IllegalStateException("reconcile of cache sync " + name + " failed: " + e.getMessage(), e);
        }
    }

    long lagMillis() {
        long p = pendingSince;
        return p > 0 ? Math.max(lastLagMillis, System.currentTimeMillis() - p) : lastLagMillis;
    }

    /** What GET /api/cache-syncs/{name} shows. */
    Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("name", name);
        out.put("version", flow.id().version());
        out.put("source", Map.of("database", flow.source().database().yamlName(), "url", source.describe(),
                "table", flow.source().table().toString()));
        out.put("state", owner() ? state : "STANDBY");
        out.put("owner", owner() ? nodeId : null);
        out.put("lag", owner() ? Duration.ofMillis(lagMillis()).toString() : null);
        out.put("lagMillis", owner() ? lagMillis() : null);
        out.put("applied", applied.get());
        Map<String, Object> last = null;
        try {
            Response r = applier.send(Request.cmd(Command.HGETALL).arg(statusKey));
            if (r != null && r.size() > 0 && r.getKeys().contains("reconcileAt")) {
                last = new java.util.LinkedHashMap<>();
                last.put("at", r.get("reconcileAt").toString());
                last.put("missing", r.get("missing").toLong());
                last.put("stale", r.get("stale").toLong());
                last.put("extra", r.get("extra").toLong());
            }
        } catch (Exception e) {
            out.put("redisError", e.getMessage());
        }
        out.put("lastReconcile", last);
        return out;
    }

    boolean lagging() {
        return owner() && lagMillis() > config.maxLag().toMillis();
    }

    /** Test hook: the Debezium properties this sync runs with. */
    String slotName() {
        return ident;
    }
}
