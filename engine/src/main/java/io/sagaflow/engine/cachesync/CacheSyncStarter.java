package io.sagaflow.engine.cachesync;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.ImageMode;
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
 * Starts every deployed CacheSync at boot, and picks up documents deployed or undeployed on other nodes afterwards
 * (every 5 s), so every node stands by for every sync; one node at a time owns each (an advisory lock per sync). An
 * undeployed sync is stopped on every node and its slot, publication and tables are dropped by the first node that
 * finds the slot idle: a crash in the middle of an undeploy leaves no orphaned slot.
 */
@ApplicationScoped
public class CacheSyncStarter {

    private static final Logger LOG = Logger.getLogger(CacheSyncStarter.class);
    private static final long RESCAN_SECONDS = 5;

    private ScheduledExecutorService rescan;
    /** Undeployed syncs this node found fully removed (checked once per boot). */
    private final java.util.Set<String> cleanedUp = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void onStart(@Observes @Priority(30) StartupEvent event, FlowRegistry flows, CacheSyncManager syncs,
                 SagaflowConfig config) {
        if (!config.cacheSync().enabled()) {
            return;
        }
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            throw new IllegalStateException("CacheSync (Debezium embedded) does not run in the native engine: set "
                    + "sagaflow.cache-sync.enabled=false on native nodes and run the syncs on a JVM node "
                    + "(ARCHITECTURE.md, \"Native image\")");
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

    private void startDeployed(FlowRegistry flows, CacheSyncManager syncs) {
        try {
            for (CacheSyncFlow sync : flows.cacheSyncs().await().atMost(Duration.ofSeconds(30))) {
                syncs.deploy(sync);
                cleanedUp.remove(sync.id().name());
            }
            // Undeployed on any node: stop here, and drop the slot once its owner let go of it (any node may).
            for (CacheSyncFlow sync : flows.undeployedCacheSyncs().await().atMost(Duration.ofSeconds(30))) {
                if (!cleanedUp.contains(sync.id().name()) && syncs.undeploy(sync)) {
                    cleanedUp.add(sync.id().name());
                }
            }
        } catch (Exception e) {
            LOG.warnf("cannot start or clean up the deployed cache syncs: %s", e.getMessage());
        }
    }
}
