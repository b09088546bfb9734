package io.sagaflow.engine.saga;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sagaflow.connectors.tracing.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;

/**
 * The spans of a saga (docs/tracing.md): one trace per saga, from the REST call that started it through every step
 * attempt, the participants' work and each reply, to the end. Spans the engine makes are instants ended where they
 * are made (a decision is one transaction); what lasts — the HTTP call, the participant's handling — is spanned where it
 * runs. The saga's start span is stored with the saga ({@code saga.traceparent}): decisions no reply caused (a timer, an
 * operator) hang under it. With tracing off every context is empty and nothing is stored.
 */
@ApplicationScoped
public class SagaTracing {

    private final OpenTelemetry otel;
    private final Tracer tracer;

    @Inject
    public SagaTracing(Instance<OpenTelemetry> openTelemetry) {
        this(openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop());
    }

    SagaTracing(OpenTelemetry otel) {
        this.otel = otel;
        this.tracer = otel.getTracer("io.sagaflow.engine");
    }

    /** The span of a saga's start, child of the caller's current span (the REST request's). */
    Context started(String flow, UUID sagaId) {
        Span span = tracer.spanBuilder("saga " + flow + " start").setParent(Context.current())
                .setAttribute("sagaflow.saga.id", sagaId.toString()).setAttribute("sagaflow.flow", flow).startSpan();
        span.end();
        return Context.root().with(span);
    }

    /**
     * The parent of a decision: a span for the reply that caused it (child of the participant's span the reply
     * carries), else the saga's start.
     */
    Context decision(Optional<String> replyTraceparent, Optional<String> sagaTraceparent, SagaState state) {
        if (replyTraceparent.isEmpty()) {
            return TraceContext.of(otel, sagaTraceparent);
        }
        Span span = tracer.spanBuilder("saga " + state.flow() + " reply").setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceContext.of(otel, replyTraceparent))
                .setAttribute("sagaflow.saga.id", state.id().toString()).startSpan();
        span.end();
        return Context.root().with(span);
    }

    /** A step attempt's span (the command sent), child of its decision; its context travels with the command. */
    Optional<String> attempt(Context decision, SagaState state, SagaDecision.Command c) {
        Span span = tracer.spanBuilder(c.step() + " " + c.kind().wire() + " #" + c.attempt())
                .setSpanKind(SpanKind.PRODUCER).setParent(decision)
                .setAttribute("sagaflow.saga.id", state.id().toString())
                .setAttribute("sagaflow.flow", state.flow())
                .setAttribute("sagaflow.step", c.step())
                .setAttribute("sagaflow.kind", c.kind().wire())
                .setAttribute("sagaflow.attempt", c.attempt())
                .setAttribute("sagaflow.participant", c.participant())
                .setAttribute("messaging.message.id", c.messageId().toString())
                .startSpan();
        span.end();
        return TraceContext.traceparent(otel, Context.root().with(span));
    }

    /** {@code context} as stored text, empty when tracing is off. */
    Optional<String> traceparent(Context context) {
        return TraceContext.traceparent(otel, context);
    }
}
