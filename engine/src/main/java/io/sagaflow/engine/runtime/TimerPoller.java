package io.sagaflow.engine.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.store.SagaStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Fires due durable timers (retries after a backoff, step timeouts). Timers live in {@code saga_timer}, so a
 * restart loses none; any node may fire any timer, each exactly once (claimed with SKIP LOCKED and deleted in the
 * transaction of the events it causes).
 */
@ApplicationScoped
public class TimerPoller {

    private static final Logger LOG = Logger.getLogger(TimerPoller.class);

    private final SagaStore store;
    private final SagaflowConfig config;
    private final MeterRegistry metrics;
    private final ReplyOwnership ownership;
    private Thread loop;
    private volatile boolean running;

    public TimerPoller(SagaStore store, SagaflowConfig config, MeterRegistry metrics, ReplyOwnership ownership) {
        this.ownership = ownership;
        this.store = store;
        this.config = config;
        this.metrics = metrics;
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        running = true;
        loop = new Thread(this::run, "sagaflow-timers");
        loop.setDaemon(true);
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                int fired = store.fireDueTimers(config.timers().batchSize(), ownership::ownedByALiveNode).await().atMost(Duration.ofSeconds(60));
                metrics.counter("sagaflow.timers.fired").increment(fired);
                if (fired < config.timers().batchSize()) {
                    Thread.sleep(config.timers().pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("firing timers failed (%s); retrying in 1 s", e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }
}
