package io.sagaflow.connectors.cachesync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The metrics of one sync, tagged {@code sync=<name>} (docs/cache-sync.md lists them). */
final class SyncMetrics {

    private final MeterRegistry registry;
    private final String name;
    private final Counter applied;
    private final Counter errors;
    private final Timer visible;
    private final List<Meter> meters;

    SyncMetrics(MeterRegistry registry, String name, SyncLag lag) {
        this.registry = registry;
        this.name = name;
        Tags tags = Tags.of("sync", name);
        this.applied = Counter.builder("sagaflow.cachesync.applied").tags(tags)
                .description("changes applied to Redis").register(registry);
        this.errors = Counter.builder("sagaflow.cachesync.errors").tags(tags)
                .description("failed attempts to apply a batch or run a reconcile").register(registry);
        this.visible = Timer.builder("sagaflow.cachesync.visible").tags(tags)
                .description("from the source commit to Redis acknowledging the change")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge lagGauge = Gauge.builder("sagaflow.cachesync.lag", lag, SyncLag::millis).tags(tags)
                .baseUnit("milliseconds").description("age of the oldest change not yet in Redis").register(registry);
        this.meters = List.of(applied, errors, visible, lagGauge);
    }

    void applied(int changes) {
        applied.increment(changes);
    }

    void error() {
        errors.increment();
    }

    void visible(long millis) {
        visible.record(millis, TimeUnit.MILLISECONDS);
    }

    void reconciled(Reconciler.Result r) {
        registry.counter("sagaflow.cachesync.reconcile.missing", "sync", name).increment(r.missing());
        registry.counter("sagaflow.cachesync.reconcile.stale", "sync", name).increment(r.stale());
        registry.counter("sagaflow.cachesync.reconcile.extra", "sync", name).increment(r.extra());
    }

    /** The sync stops here: its applied / errors / visible / lag meters go (the reconcile counts stay). */
    void remove() {
        meters.forEach(registry::remove);
    }
}
