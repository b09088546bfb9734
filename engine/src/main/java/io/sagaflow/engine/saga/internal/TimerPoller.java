package io.sagaflow.engine.saga.internal;

import io.sagaflow.engine.internal.PollLoop;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.saga.SagaStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/**
 * Fires due durable timers (retries after a backoff, step timeouts). Timers live in {@code saga_timer}, so a
 * restart loses none; any node may fire any timer, each exactly once (claimed with SKIP LOCKED and deleted in the
 * transaction of the events it causes).
 */
@ApplicationScoped
public class TimerPoller {

    private final SagaStore store;
    private final SagaflowConfig config;
    private final MeterRegistry metrics;
    private final ReplyOwnership ownership;
    private PollLoop loop;

    public TimerPoller(SagaStore store, SagaflowConfig config, MeterRegistry metrics, ReplyOwnership ownership) {
        this.ownership = ownership;
        this.store = store;
        this.config = config;
        this.metrics = metrics;
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        loop = new PollLoop("sagaflow-timers", config.timers().batchSize(), config.timers().pollInterval(),
                Duration.ofSeconds(1), () -> {
                    int fired = store.fireDueTimers(config.timers().batchSize(), ownership::hadAChance)
                            .await().atMost(Duration.ofSeconds(60));
                    metrics.counter("sagaflow.timers.fired").increment(fired);
                    return fired;
                });
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(10));
        }
    }
}
