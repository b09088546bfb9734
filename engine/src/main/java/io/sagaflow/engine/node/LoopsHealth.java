package io.sagaflow.engine.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sagaflow.loops.Supervisor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Every long-lived loop of this node (reply consumers, the HTTP connector, the pollers of timers, notifications,
 * check-backs, retention) runs under a {@link Supervisor}: this readiness check lists them, and is DOWN while one of
 * them waits for its restart after a failure. Each loop's restarts are the counter {@code sagaflow.loop.restarts}.
 */
@Readiness
@ApplicationScoped
public class LoopsHealth implements HealthCheck {

    private final MeterRegistry metrics;
    private final Set<String> counted = ConcurrentHashMap.newKeySet();

    public LoopsHealth(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    void onStart(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(1000) io.quarkus.runtime.StartupEvent event) {
        Supervisor.running().forEach(s -> count(s.name()));
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder health = HealthCheckResponse.named("loops").up();
        for (Supervisor.Status s : Supervisor.running()) {
            count(s.name());
            health.withData(s.name(), s.state() + (s.restarts() > 0 ? ", restarted " + s.restarts() + "x" : "")
                    + s.lastFailure().map(f -> ", last failure: " + f).orElse(""));
            if (s.state() != Supervisor.State.RUNNING) {
                health.down();
            }
        }
        return health.build();
    }

    /** Registers the restart counter of a loop the first time it is seen. */
    void count(String loop) {
        if (counted.add(loop)) {
            FunctionCounter.builder("sagaflow.loop.restarts", loop, LoopsHealth::restartsOf)
                    .tag("loop", loop).description("restarts of a supervised loop after a failure").register(metrics);
        }
    }

    private static double restartsOf(String loop) {
        return Supervisor.running().stream().filter(s -> s.name().equals(loop)).mapToInt(Supervisor.Status::restarts)
                .sum();
    }
}
