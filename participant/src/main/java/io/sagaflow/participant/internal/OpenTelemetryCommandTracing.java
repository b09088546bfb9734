package io.sagaflow.participant.internal;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.sagaflow.participant.CommandContext;
import io.sagaflow.participant.CommandTracing;
import io.sagaflow.wire.KafkaHeader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link CommandTracing} with OpenTelemetry: a CONSUMER span per command, child of the command's context, current
 * while the handler runs (so the handler's own instrumented calls join the trace). Loaded only when the OpenTelemetry
 * API is on the class path (it is an optional dependency of the SDK).
 */
public final class OpenTelemetryCommandTracing implements CommandTracing {

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

    private final Supplier<OpenTelemetry> openTelemetry;

    public OpenTelemetryCommandTracing(Supplier<OpenTelemetry> openTelemetry) {
        this.openTelemetry = openTelemetry;
    }

    /** Tracing with {@link GlobalOpenTelemetry}, looked up per command (it may be set after the runner starts). */
    public static CommandTracing global() {
        return new OpenTelemetryCommandTracing(GlobalOpenTelemetry::get);
    }

    @Override
    public Attempt start(CommandContext command, Optional<String> traceparent) {
        OpenTelemetry otel = openTelemetry.get();
        Context parent = traceparent.map(tp -> otel.getPropagators().getTextMapPropagator()
                        .extract(Context.root(), Map.of(KafkaHeader.TRACEPARENT, tp), MAP))
                .orElse(Context.root());
        Span span = otel.getTracer("io.sagaflow.participant").spanBuilder(command.command() + " process")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("sagaflow.saga.id", command.sagaId())
                .setAttribute("sagaflow.step", command.step())
                .setAttribute("sagaflow.kind", command.kind().wire())
                .setAttribute("messaging.message.id", command.messageId())
                .startSpan();
        Scope scope = span.makeCurrent();
        Map<String, String> out = new HashMap<>();
        otel.getPropagators().getTextMapPropagator().inject(Context.current(), out, Map::put);
        Optional<String> outgoing = Optional.ofNullable(out.get(KafkaHeader.TRACEPARENT)).or(() -> traceparent);
        return new Attempt() {
            @Override
            public Optional<String> traceparent() {
                return outgoing;
            }

            @Override
            public void outcome(String outcome) {
                span.setAttribute("sagaflow.outcome", outcome);
            }

            @Override
            public void close() {
                scope.close();
                span.end();
            }
        };
    }
}
