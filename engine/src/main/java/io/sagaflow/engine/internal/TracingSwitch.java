package io.sagaflow.engine.internal;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One setting turns tracing on (docs/tracing.md): {@code sagaflow.tracing.otlp-endpoint}. When it is set, this source
 * enables the OpenTelemetry SDK, the HTTP server's spans and the OTLP export to that endpoint; when not, the defaults
 * of application.properties keep all of it off — not only the SDK: the HTTP instrumentation alone, with the SDK off,
 * cost the engine ~6 ms of CPU per saga in the bench. Its ordinal sits above application.properties and below the
 * environment and system properties, so an explicit {@code quarkus.otel.*} setting still wins.
 */
public final class TracingSwitch implements ConfigSourceFactory {

    /** The setting. */
    public static final String ENDPOINT = "sagaflow.tracing.otlp-endpoint";

    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue endpoint = context.getValue(ENDPOINT);
        if (endpoint == null || endpoint.getValue() == null || endpoint.getValue().isBlank()) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(on(endpoint.getValue().trim()), "sagaflow-tracing", ORDINAL));
    }

    /** The Quarkus settings of tracing on, exporting to {@code endpoint}. */
    static Map<String, String> on(String endpoint) {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.instrument.vertx-http", "true",
                "quarkus.otel.exporter.otlp.endpoint", endpoint);
    }
}
