package io.sagaflow.engine.flow;

import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.flow.Deployment;
import io.sagaflow.engine.flow.FlowRegistry;
import io.sagaflow.engine.flow.InvalidFlowException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** Deploys the documents of {@code sagaflow.flows.deploy-dir} at start (the demo's sample flows). */
@ApplicationScoped
public class SampleFlowDeployer {

    private static final Logger LOG = Logger.getLogger(SampleFlowDeployer.class);

    void onStart(@Observes @Priority(40) StartupEvent event, SagaflowConfig config, FlowRegistry flows) throws IOException {
        if (config.flows().deployDir().isEmpty()) {
            return;
        }
        Path dir = Path.of(config.flows().deployDir().get());
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path file : files) {
            try {
                Deployment d = flows.deploy(Files.readString(file)).await().atMost(Duration.ofSeconds(60));
                LOG.infof("%s: %s %s v%d %s", file.getFileName(), d.kind(), d.name(), d.version(),
                        d.created() ? "deployed" : "already deployed");
            } catch (InvalidFlowException e) {
                e.diagnostics().forEach(diag -> LOG.error(diag.format(file.toString())));
            } catch (RuntimeException e) {
                LOG.errorf("%s: not deployed: %s", file, e.getMessage());
            }
        }
    }
}
