package io.sagaflow.engine.retention;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.internal.PollLoop;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Watches how much WAL the engine's replication slots keep (the outbox relay's, and each CacheSync's on the engine's
 * database). A slot whose reader is gone makes PostgreSQL keep every WAL segment from its position on, until the disk
 * is full; past {@code sagaflow.retention.max-slot-wal-bytes} this check turns readiness DOWN and names the slot.
 * The figure per slot is the gauge {@code sagaflow.replication.slot.retained.bytes}. Sampled every 10 s on its own
 * thread, so a readiness probe never waits for the database.
 */
@Readiness
@ApplicationScoped
public class SlotGuard implements HealthCheck {

    private static final Duration EVERY = Duration.ofSeconds(10);

    /** One slot as last sampled. */
    public record SlotSample(String slot, boolean active, long retainedBytes) {
    }

    private final Pool pool;
    private final SagaflowConfig config;
    private final MeterRegistry metrics;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private volatile Map<String, SlotSample> last = Map.of();
    private volatile boolean sampled;
    private PollLoop loop;

    public SlotGuard(Pool pool, SagaflowConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        loop = new PollLoop("sagaflow-slot-guard", Integer.MAX_VALUE, EVERY, EVERY, this::sample);
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    /** Reads every slot of ours now; returns how many there are. */
    public int sample() {
        String prefix = config.cacheSync().slotPrefix().replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
        var rows = pool.preparedQuery("SELECT slot_name, active, COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), "
                        + "restart_lsn), 0)::bigint AS retained FROM pg_replication_slots WHERE database = current_database() "
                        + "AND (slot_name = $1 OR slot_name LIKE $2)")
                .execute(Tuple.of(config.relay().slot(), prefix + "%"))
                .await().atMost(Duration.ofSeconds(10));
        Map<String, SlotSample> now = new TreeMap<>();
        for (Row r : rows) {
            SlotSample s = new SlotSample(r.getString("slot_name"), r.getBoolean("active"), r.getLong("retained"));
            now.put(s.slot(), s);
            gauges.computeIfAbsent(s.slot(), slot -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder("sagaflow.replication.slot.retained.bytes", value, AtomicLong::get)
                        .tag("slot", slot).baseUnit("bytes").register(metrics);
                return value;
            }).set(s.retainedBytes());
        }
        gauges.forEach((slot, value) -> {
            if (!now.containsKey(slot)) {
                value.set(0);   // dropped (an undeployed CacheSync): nothing retained any more
            }
        });
        last = now;
        sampled = true;
        return now.size();
    }

    @Override
    public HealthCheckResponse call() {
        long bound = config.retention().maxSlotWalBytes();
        HealthCheckResponseBuilder health = HealthCheckResponse.named("replication-slots").up()
                .withData("maxSlotWalBytes", bound).withData("sampled", sampled);
        for (SlotSample s : last.values()) {
            health.withData(s.slot(), s.retainedBytes() + " bytes" + (s.active() ? "" : " (no reader)"));
            if (s.retainedBytes() > bound) {
                health.down();
            }
        }
        return health.build();
    }
}
