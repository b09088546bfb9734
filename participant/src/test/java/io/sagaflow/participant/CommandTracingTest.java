package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sagaflow.participant.internal.OpenTelemetryCommandTracing;
import io.sagaflow.wire.CommandKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandTracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String INCOMING = "00-" + TRACE + "-00f067aa0ba902b7-01";
    private static final CommandContext COMMAND = new CommandContext("saga-1", "pay", CommandKind.ACTION, "charge",
            "m-1", "saga-1:pay:action");

    @Test
    void withOpenTelemetryTheHandlerRunsInAChildSpanAndTheReplyCarriesIt() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        CommandTracing tracing = new OpenTelemetryCommandTracing(() -> otel);

        String seenByHandler;
        Optional<String> outgoing;
        try (CommandTracing.Attempt attempt = tracing.start(COMMAND, Optional.of(INCOMING))) {
            seenByHandler = Span.current().getSpanContext().getSpanId();
            attempt.outcome("SUCCESS");
            outgoing = attempt.traceparent();
        }

        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("charge process");
        assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(span.getSpanId()).isEqualTo(seenByHandler);
        assertThat(span.getAttributes().asMap().toString()).contains("sagaflow.saga.id=saga-1", "sagaflow.outcome=SUCCESS");
        assertThat(outgoing).contains("00-" + TRACE + "-" + span.getSpanId() + "-01");
        assertThat(Span.current().getSpanContext().isValid()).as("the span is no longer current").isFalse();
    }

    @Test
    void withoutASpanTheContextPassesThrough() {
        try (CommandTracing.Attempt attempt = CommandTracing.passThrough().start(COMMAND, Optional.of(INCOMING))) {
            assertThat(attempt.traceparent()).contains(INCOMING);
        }
        try (CommandTracing.Attempt attempt = CommandTracing.passThrough().start(COMMAND, Optional.empty())) {
            assertThat(attempt.traceparent()).isEmpty();
        }
    }
}
