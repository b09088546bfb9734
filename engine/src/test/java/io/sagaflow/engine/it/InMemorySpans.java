package io.sagaflow.engine.it;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * An in-memory span exporter, a bean of every {@code @QuarkusTest} application: Quarkus exports to every
 * {@code SpanExporter} bean. Spans exist only where tracing is on ({@link TracingProfile}).
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
