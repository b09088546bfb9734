package io.sagaflow.engine.cachesync;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.cachesync.CacheSyncManager;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.engine.flow.FlowRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts every deployed CacheSync at boot, and picks up documents deployed on other nodes afterwards (every 5 s),
 * so every node stands by for every sync; one node at a time owns each (an advisory lock per sync).
 */
@ApplicationScoped
public class CacheSyncStarter {

    private static final Logger LOG = Logger.getLogger(CacheSyncStarter.class);
    private static final long RESCAN_SECONDS = 5;

    private ScheduledExecutorService rescan;

    void onStart(@Observes @Priority(30) StartupEvent event, FlowRegistry flows, CacheSyncManager syncs,
                 SagaflowConfig config) {
        if (!config.cacheSync().enabled()) {
            return;
        }
        startDeployed(flows, syncs);
        rescan = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sagaflow-cachesync-rescan");
            t.setDaemon(true);
            return t;
        });
        rescan.scheduleWithFixedDelay(() -> startDeployed(flows, syncs), RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (rescan != null) {
            rescan.shutdownNow();
        }
    }

    private static void startDeployed(FlowRegistry flows, CacheSyncManager syncs) {
        try {
            for (CacheSyncFlow sync : flows.cacheSyncs().await().atMost(Duration.ofSeconds(30))) {
                syncs.deploy(sync);
            }
        } catch (RuntimeException e) {
            LOG.warnf("cannot start the deployed cache syncs: %s", e.getMessage());
        }
    }
}
