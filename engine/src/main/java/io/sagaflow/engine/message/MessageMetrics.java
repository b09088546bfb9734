package io.sagaflow.engine.message;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Micrometer meters of reliable messages (scraped at /q/metrics). */
@ApplicationScoped
public class MessageMetrics {

    private final MeterRegistry registry;
    private final Timer deliveryLatency;

    public MessageMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.deliveryLatency = Timer.builder("sagaflow.messages.delivery.latency")
                .description("from prepare to Kafka's acknowledgement of the committed message")
                .publishPercentileHistogram().register(registry);
    }

    /** A message reached {@code status} (counted when the change is written). */
    void reached(MessageStatus status) {
        registry.counter("sagaflow.messages", "status", status.name()).increment();
    }

    /** A check-back answered (or did not). */
    void checked(CheckAnswer answer) {
        registry.counter("sagaflow.messages.check.backs", "answer", answer.name()).increment();
    }

    void delivered(Duration sincePrepared) {
        deliveryLatency.record(sincePrepared);
    }
}
