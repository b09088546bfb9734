package io.sagaflow.connectors.tracing;

import org.jboss.logging.MDC;

/**
 * The saga a thread works for, in the logging MDC, so that a log line says which saga it is about (the engine's
 * console format prints {@code %X{saga}}: {@code saga=<id> } or nothing). Set around one saga's work and removed
 * after; OpenTelemetry adds {@code traceId} and {@code spanId} beside it when tracing is on.
 */
public final class SagaLogContext implements AutoCloseable {

    /** The MDC key. */
    public static final String KEY = "saga";

    private SagaLogContext() {
    }

    /** Marks the current thread's log lines with {@code sagaId} until closed. */
    public static SagaLogContext of(String sagaId) {
        MDC.put(KEY, "saga=" + sagaId + " ");
        return new SagaLogContext();
    }

    @Override
    public void close() {
        MDC.remove(KEY);
    }
}
