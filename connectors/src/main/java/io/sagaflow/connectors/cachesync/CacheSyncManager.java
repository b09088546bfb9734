package io.sagaflow.connectors.cachesync;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.outbox.JdbcTarget;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.sagaflow.cdc.ReplicationSlots;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The deployed CacheSync documents of this node: one {@link CacheSyncRunner} per name (the newest version
 * deployed). Every node runs a runner for every sync; a per-sync advisory lock makes exactly one of them own the
 * change stream at a time.
 */
@ApplicationScoped
public class CacheSyncManager {

    private static final Logger LOG = Logger.getLogger(CacheSyncManager.class);

    private final SagaflowConfig config;
    private final Redis redis;
    private final MeterRegistry metrics;
    private final JdbcTarget engineDb;
    private final String nodeId;
    private final Clock clock;
    private final Map<String, CacheSyncRunner> runners = new ConcurrentHashMap<>();

    public CacheSyncManager(SagaflowConfig config, Redis redis, MeterRegistry metrics, Clock clock,
                            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                            @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "postgres") String user,
                            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.config = config;
        this.redis = redis;
        this.metrics = metrics;
        this.clock = clock;
        this.engineDb = JdbcTarget.parse(jdbcUrl, user, password.orElse(""));
        this.nodeId = config.nodeId().orElse(ManagementFactory.getRuntimeMXBean().getName());
    }

    /** Starts (or moves to a newer version of) a deployed sync. Same or older version: nothing changes. */
    public synchronized void deploy(CacheSyncFlow flow) {
        if (!config.cacheSync().enabled()) {
            LOG.infof("cache sync %s deployed; not run on this node (sagaflow.cache-sync.enabled=false)", flow.id());
            return;
        }
        String name = flow.id().name();
        CacheSyncRunner current = runners.get(name);
        if (current != null && current.flow.id().version() >= flow.id().version()) {
            return;
        }
        if (current != null) {
            current.stop();
        }
        CacheSyncRunner runner = new CacheSyncRunner(flow, config.cacheSync(), engineDb, redis, metrics, nodeId, clock);
        runners.put(name, runner);
        runner.start();
        LOG.infof("cache sync %s version %d started (%s)", name, flow.id().version(), runner.sourceDescription());
    }

    /**
     * Undeploys a sync: stops its runner here, then removes what it created — the PostgreSQL source's slot and
     * publication, its offset and schema-history tables in the engine's database, its bookkeeping keys in Redis
     * (never the cached values). Idempotent; every node calls it for every undeployed sync until it answers true.
     *
     * @return true when nothing of the sync is left; false when its slot is still streaming (the owning node has
     *         not stopped yet): call again later
     */
    public synchronized boolean undeploy(CacheSyncFlow flow) throws Exception {
        String name = flow.id().name();
        CacheSyncRunner running = runners.remove(name);
        if (running != null) {
            running.stop();
            LOG.infof("cache sync %s undeployed: stopped here", name);
        }
        String ident = identifier(name);
        SourceDb source = SourceDb.of(flow.source(), engineDb);
        if (source.postgres()) {
            try (Connection c = source.connect()) {
                if (!ReplicationSlots.drop(c, ident, ident)) {
                    return false;
                }
            }
        }
        try (Connection c = DriverManager.getConnection(engineDb.jdbcUrl(), engineDb.user(), engineDb.password());
             Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS \"" + ident + "_offsets\", \"" + ident + "_history\"");
        }
        Request del = Request.cmd(Command.DEL);
        SyncRedisState.bookkeepingKeys(config.cacheSync().redisPrefix(), name).forEach(del::arg);
        redis.send(del).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return true;
    }

    /** GET /api/cache-syncs/{name}; empty when no such sync runs here. */
    public Optional<Map<String, Object>> status(String name) {
        CacheSyncRunner r = runners.get(name);
        return r == null ? Optional.empty() : Optional.of(r.status());
    }

    /** Runs a reconcile now; empty when no such sync. */
    public Optional<Map<String, Object>> reconcile(String name) throws Exception {
        CacheSyncRunner r = runners.get(name);
        if (r == null) {
            return Optional.empty();
        }
        Reconciler.Result res = r.reconcileNow();
        return Optional.of(Map.of("at", res.at().toString(), "rows", res.rows(), "missing", res.missing(),
                "stale", res.stale(), "extra", res.extra()));
    }

    /** Names of syncs owned by this node whose lag passes {@code sagaflow.cache-sync.max-lag}. */
    public List<String> lagging() {
        return runners.values().stream().filter(CacheSyncRunner::lagging).map(r -> r.name).sorted().toList();
    }

    /** Names of the syncs this node owns now. */
    public List<String> owned() {
        return runners.values().stream().filter(CacheSyncRunner::owner).map(r -> r.name).sorted().toList();
    }

    /** Names of every sync known here. */
    public List<String> names() {
        return runners.keySet().stream().sorted().toList();
    }

    /** The slot / publication / table prefix of a sync (tests drop what a sync created). */
    public String identifier(String name) {
        return CacheSyncRunner.identifier(config.cacheSync().slotPrefix() + name);
    }

    /** Stops every sync here (also used by tests that simulate a dying node). */
    public void stopAll() {
        List<Thread> stopping = new java.util.ArrayList<>();
        for (CacheSyncRunner r : runners.values()) {
            Thread t = new Thread(r::stop, "sagaflow-cachesync-stop-" + r.name);
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopAll();
    }
}
