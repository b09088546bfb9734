package io.sagaflow.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSwitchTest {

    private static final Map<String, String> DEFAULTS = Map.of(
            "quarkus.otel.sdk.disabled", "true",
            "quarkus.otel.instrument.vertx-http", "false");

    private static SmallRyeConfig config(Map<String, String> application, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(application, "application.properties", 250))
                .withSources(new PropertiesConfigSource(environment, "environment", 300))
                .withSources(new TracingSwitch())
                .build();
    }

    @Test
    void withoutAnEndpointEverythingStaysOff() {
        SmallRyeConfig config = config(DEFAULTS, Map.of());
        assertThat(config.getValue("quarkus.otel.sdk.disabled", String.class)).isEqualTo("true");
        assertThat(config.getValue("quarkus.otel.instrument.vertx-http", String.class)).isEqualTo("false");
    }

    @Test
    void anEndpointTurnsOnTheSdkTheHttpSpansAndTheExport() {
        SmallRyeConfig config = config(DEFAULTS, Map.of("sagaflow.tracing.otlp-endpoint", " http://collector:4317 "));
        assertThat(config.getValue("quarkus.otel.sdk.disabled", String.class)).isEqualTo("false");
        assertThat(config.getValue("quarkus.otel.instrument.vertx-http", String.class)).isEqualTo("true");
        assertThat(config.getValue("quarkus.otel.exporter.otlp.endpoint", String.class)).isEqualTo("http://collector:4317");
    }

    @Test
    void anExplicitQuarkusSettingStillWins() {
        Map<String, String> environment = new HashMap<>(Map.of("sagaflow.tracing.otlp-endpoint", "http://collector:4317"));
        environment.put("quarkus.otel.instrument.vertx-http", "false");
        assertThat(config(DEFAULTS, environment).getValue("quarkus.otel.instrument.vertx-http", String.class))
                .isEqualTo("false");
    }
}
