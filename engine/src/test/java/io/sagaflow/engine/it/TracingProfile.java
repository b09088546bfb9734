package io.sagaflow.engine.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Tracing on, spans exported at once to the in-memory exporter of {@link InMemorySpans}. */
public class TracingProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                // the one setting that turns tracing on (engine.internal.TracingSwitch)
                "sagaflow.tracing.otlp-endpoint", "http://127.0.0.1:4317",
                "quarkus.otel.bsp.schedule.delay", "50ms",
                // no collector here: the OTLP exporter is not wanted
                "quarkus.otel.exporter.otlp.enabled", "false");
    }
}
