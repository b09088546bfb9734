package io.sagaflow.connectors.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C trace context of a saga's records (header {@code traceparent}, optional, beside the headers of SPEC §5),
 * read and written with the application's propagators: from and to Kafka record headers, and as the text stored with
 * an outbox row or a saga. With tracing off (the OpenTelemetry SDK disabled) nothing is read or written.
 */
public final class TraceContext {

    private static final TextMapGetter<Headers> KAFKA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier == null ? null : carrier.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContext() {
    }

    /** The context a record's headers carry ({@link Context#root()} when none). */
    public static Context of(OpenTelemetry otel, Headers headers) {
        return propagator(otel).extract(Context.root(), headers, KAFKA);
    }

    /** The context of stored text, e.g. an outbox row's {@code traceparent} ({@link Context#root()} when none). */
    public static Context of(OpenTelemetry otel, Optional<String> traceparent) {
        return traceparent.map(tp -> propagator(otel).extract(Context.root(), Map.of("traceparent", tp), MAP))
                .orElse(Context.root());
    }

    /** Writes {@code context} into record headers. */
    public static void write(OpenTelemetry otel, Context context, Headers headers) {
        propagator(otel).inject(context, headers,
                (carrier, key, value) -> carrier.add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code context} into HTTP-style headers. */
    public static Map<String, String> asHeaders(OpenTelemetry otel, Context context) {
        Map<String, String> out = new HashMap<>();
        propagator(otel).inject(context, out, Map::put);
        return out;
    }

    /** {@code context} as the text of its {@code traceparent}; empty when there is no span (tracing off). */
    public static Optional<String> traceparent(OpenTelemetry otel, Context context) {
        return Optional.ofNullable(asHeaders(otel, context).get("traceparent"));
    }

    private static TextMapPropagator propagator(OpenTelemetry otel) {
        return otel.getPropagators().getTextMapPropagator();
    }
}
