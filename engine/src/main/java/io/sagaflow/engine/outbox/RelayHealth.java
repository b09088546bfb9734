package io.sagaflow.engine.outbox;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.outbox.OutboxRelay;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while this node should relay the outbox but the relay is not running: no command would leave. */
@Readiness
@ApplicationScoped
public class RelayHealth implements HealthCheck {

    private final OutboxRelay relay;
    private final SagaflowConfig config;

    public RelayHealth(OutboxRelay relay, SagaflowConfig config) {
        this.relay = relay;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        boolean enabled = config.relay().enabled();
        return HealthCheckResponse.named("outbox-relay")
                .status(!enabled || relay.healthy())
                .withData("enabled", enabled)
                .withData("slot", config.relay().slot())
                .withData("leader", relay.leader())
                .build();
    }
}
