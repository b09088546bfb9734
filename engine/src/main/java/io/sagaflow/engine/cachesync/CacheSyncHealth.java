package io.sagaflow.engine.cachesync;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.cachesync.CacheSyncManager;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while a cache sync this node owns lags more than {@code sagaflow.cache-sync.max-lag}. */
@Readiness
@ApplicationScoped
public class CacheSyncHealth implements HealthCheck {

    private final CacheSyncManager syncs;
    private final SagaflowConfig config;

    public CacheSyncHealth(CacheSyncManager syncs, SagaflowConfig config) {
        this.syncs = syncs;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> lagging = syncs.lagging();
        return HealthCheckResponse.named("cache-sync")
                .status(lagging.isEmpty())
                .withData("owned", String.join(",", syncs.owned()))
                .withData("lagging", String.join(",", lagging))
                .withData("maxLag", config.cacheSync().maxLag().toString())
                .build();
    }
}
