package io.sagaflow.connectors.cachesync;

import io.debezium.engine.ChangeEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.sagaflow.loops.Backoff;
import io.sagaflow.cdc.CdcRunner;
import io.sagaflow.cdc.ReplicationSlots;
import io.sagaflow.cdc.UntilAccepted;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.internal.Leadership;
import io.sagaflow.connectors.outbox.JdbcTarget;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.vertx.redis.client.Redis;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

/**
 * One deployed CacheSync: the node holding the sync's advisory lock (on the engine database) runs its change stream
 * ({@link CdcRunner}, see {@link SyncConnector}) and applies each batch to Redis before its offsets may be committed;
 * every node can reconcile. This class is the sync's lifecycle and ownership; the pieces are {@link ChangeMapper}
 * (records to Redis changes), {@link RedisApplier} (positions and values), {@link SyncRedisState} (marker, last
 * reconcile), {@link SyncLag}, {@link SyncMetrics} and {@link ReconcileSchedule}.
 */
final class CacheSyncRunner {

    private static final Logger LOG = Logger.getLogger(CacheSyncRunner.class);
    /** A restart waits 2 s, then longer while the source stays away. */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10));
    private static final Backoff REDIS_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    final CacheSyncFlow flow;
    final String name;
    private final SagaflowConfig.CacheSync config;
    private final JdbcTarget engineDb;
    private final SourceDb source;
    private final RedisApplier applier;
    private final Reconciler reconciler;
    private final ChangeMapper mapper;
    private final SyncRedisState redisState;
    private final SyncLag lag;
    private final SyncMetrics metrics;
    private final ReconcileSchedule reconcileSchedule;
    private final UntilAccepted untilRedisAccepted;
    private final String ident;
    private final String nodeId;
    private final CdcRunner cdc;
    private final ScheduledExecutorService background;
    private final Leadership leadership;
    private final AtomicLong applied = new AtomicLong();
    private volatile boolean running;
    private volatile SyncState state = SyncState.STOPPED;

    CacheSyncRunner(CacheSyncFlow flow, SagaflowConfig.CacheSync config, JdbcTarget engineDb, Redis redis,
                    MeterRegistry registry, String nodeId, Clock clock) {
        this.flow = flow;
        this.name = flow.id().name();
        this.config = config;
        this.engineDb = engineDb;
        this.source = SourceDb.of(flow.source(), engineDb);
        this.nodeId = nodeId;
        this.ident = identifier(config.slotPrefix() + name);
        RowCodec codec = new RowCodec(flow);
        this.applier = new RedisApplier(redis, SyncRedisState.positionsKey(config.redisPrefix(), name),
                flow.ttl().map(Duration::toMillis).orElse(0L), flow.value().format() == CacheSyncFlow.Format.HASH);
        this.reconciler = new Reconciler(flow, source, codec, applier, config);
        this.mapper = new ChangeMapper(name, source.postgres(), codec);
        this.redisState = new SyncRedisState(applier, config.redisPrefix(), name, nodeId);
        this.lag = new SyncLag(clock);
        this.metrics = new SyncMetrics(registry, name, lag);
        this.reconcileSchedule = new ReconcileSchedule(flow.reconcile().every(), clock);
        this.untilRedisAccepted = new UntilAccepted(REDIS_RETRY, () -> running && owner(),
                "cache sync stopping with an unacknowledged batch");
        this.cdc = new CdcRunner(new CdcRunner.Options(SyncConnector.config(flow, config, engineDb, source, ident),
                this::handleBatch, clock, RESTART, "sagaflow-cachesync-" + name, this::owner, new CdcRunner.Events() {
                    @Override
                    public void starting() {
                        state = SyncState.STARTING;
                    }

                    @Override
                    public void taskStarted() {
                        if (state == SyncState.STARTING) {
                            state = SyncState.RUNNING;
                        }
                    }

                    @Override
                    public void failed(String message, Throwable error, Duration restartIn) {
                        metrics.error();
                        state = SyncState.RESTARTING;
                        LOG.warnf(error, "cache sync %s stopped (%s); restarting in %d ms", name, message,
                                restartIn.toMillis());
                    }
                }));
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
                        cdc.stop();
                        if (running) {
                            state = SyncState.STANDBY;
                        }
                    }
                });
    }

    /** A SQL identifier from a sync name: lower case, [a-z0-9_], at most 50 characters. */
    static String identifier(String text) {
        return SyncConnector.identifier(text);
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
        state = SyncState.STANDBY;
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
        cdc.close();
        metrics.remove();
        state = SyncState.STOPPED;
    }

    boolean owner() {
        return leadership.held();
    }

    /** Just became the owner: take the slot from a dead owner, check the cache, start streaming. */
    private void takeOver() throws SQLException {
        if (source.postgres()) {
            try (Connection c = source.connect()) {
                ReplicationSlots.endStreamingSession(c, ident);
            }
        }
        boolean firstStart = !offsetsExist();
        LOG.infof("this node owns cache sync %s (%s -> Redis)%s", name, sourceDescription(),
                firstStart ? ", initial load" : "");
        checkMarker(!firstStart);
        cdc.start();
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

    // ------------------------------------------------------------------ applying changes

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records) throws InterruptedException {
        ChangeMapper.Batch batch = mapper.map(records);
        if (batch.snapshot() && state != SyncState.SNAPSHOT) {
            state = SyncState.SNAPSHOT;
        } else if (!batch.snapshot() && state == SyncState.SNAPSHOT) {
            state = SyncState.RUNNING;
        }
        lag.pending(batch.commitTimes());
        applyUntilAcknowledged(batch.changes());
        lag.acknowledged(batch.commitTimes(), metrics::visible);
        applied.addAndGet(batch.changes().size());
        metrics.applied(batch.changes().size());
    }

    /** Redis down is not a reason to skip a change: keep trying, the offsets wait. */
    private void applyUntilAcknowledged(List<RedisApplier.Change> changes) throws InterruptedException {
        SyncState before = state;
        untilRedisAccepted.run(() -> applier.apply(changes), (e, retryIn) -> {
            metrics.error();
            state = SyncState.REDIS_DOWN;
            LOG.warnf("cache sync %s: applying %d changes to Redis failed (%s); retrying in %d ms", name,
                    changes.size(), e.getMessage(), retryIn.toMillis());
        });
        if (state == SyncState.REDIS_DOWN) {
            state = before == SyncState.RUNNING || before == SyncState.REDIS_DOWN ? SyncState.RUNNING : before;
        }
    }

    // ------------------------------------------------------------------ marker, reconcile, status

    /** Runs on the background thread: the marker check, and the periodic reconcile on the owner. */
    private void ownerChores() {
        if (!owner()) {
            return;
        }
        try {
            checkMarker(true);
            if (reconcileSchedule.due()) {
                runReconcile("periodic");
            }
        } catch (Exception e) {
            metrics.error();
            LOG.debugf("cache sync %s: background check failed: %s", name, e.getMessage());
        }
    }

    /**
     * Redis keeps nothing on disk: a marker key written when this node took the sync disappears when Redis loses
     * its data. Then the cache is rebuilt by a full reconcile (every row written again).
     */
    private void checkMarker(boolean rebuildIfMissing) {
        try {
            if (redisState.ensureMarker() && rebuildIfMissing) {
                LOG.warnf("cache sync %s: Redis lost its data (marker %s gone); rebuilding from the table", name,
                        redisState.markerKey());
                background.execute(() -> runReconcile("rebuild"));
            }
        } catch (Exception e) {
            metrics.error();
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
            metrics.reconciled(r);
            redisState.recordReconcile(r);
            LOG.infof("cache sync %s: reconcile (%s) compared %d rows: %d missing, %d stale, %d extra, repaired",
                    name, why, r.rows(), r.missing(), r.stale(), r.extra());
            return r;
        } catch (Exception e) {
            metrics.error();
            throw new IllegalStateException("reconcile of cache sync " + name + " failed: " + e.getMessage(), e);
        }
    }

    long lagMillis() {
        return lag.millis();
    }

    /** What GET /api/cache-syncs/{name} shows. */
    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("version", flow.id().version());
        out.put("source", Map.of("database", flow.source().database().yamlName(), "url", source.describe(),
                "table", flow.source().table().toString()));
        out.put("state", owner() ? state.name() : SyncState.STANDBY.name());
        out.put("owner", owner() ? nodeId : null);
        out.put("lag", owner() ? Duration.ofMillis(lagMillis()).toString() : null);
        out.put("lagMillis", owner() ? lagMillis() : null);
        out.put("applied", applied.get());
        Map<String, Object> last = null;
        try {
            last = redisState.lastReconcile().orElse(null);
        } catch (Exception e) {
            out.put("redisError", e.getMessage());
        }
        out.put("lastReconcile", last);
        return out;
    }

    boolean lagging() {
        return owner() && lagMillis() > config.maxLag().toMillis();
    }

}
