package io.sagaflow.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.Headers;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.dsl.model.CommandKind;
import io.sagaflow.engine.saga.Outcome;
import io.sagaflow.engine.saga.SagaInput;
import io.sagaflow.engine.store.SagaStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Applies participants' replies. Each reply is applied in its own transaction; the partition's offset is
 * committed only after the replies of a poll are all in the event store, so a crash re-reads them and the core
 * rejects the ones already applied (the message id's fate is in the saga's state). A reply that cannot be
 * understood is logged and skipped; a database failure is retried, never skipped.
 */
@ApplicationScoped
public class ReplyConsumer {

    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class);

    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final SagaStore store;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final List<Worker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running;

    /** The reply partitions this node consumes now, as {@code topic-partition}. */
    public List<String> assignedPartitions() {
        return workers.stream().flatMap(w -> w.assigned.stream()).sorted().toList();
    }

    public ReplyConsumer(SagaflowConfig config, KafkaClients kafka, SagaStore store, ObjectMapper json,
                         MeterRegistry metrics) {
        this.config = config;
        this.kafka = kafka;
        this.store = store;
        this.json = json;
        this.metrics = metrics;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        kafka.ensureTopics(List.of(config.replies().topic()));
        running = true;
        // Several consumers of one group: partitions (hence sagas) are spread over them and applied in parallel.
        for (int i = 0; i < config.replies().consumers(); i++) {
            Worker worker = new Worker(kafka.consumer(config.replies().group(), "sagaflow-replies-" + i));
            workers.add(worker);
            worker.thread = new Thread(worker::run, "sagaflow-replies-" + i);
            worker.thread.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        for (Worker w : workers) {
            w.consumer.wakeup();
        }
        for (Worker w : workers) {
            try {
                w.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One consumer of the reply group and the thread that polls it. */
    private final class Worker {
        final KafkaConsumer<byte[], byte[]> consumer;
        Thread thread;
        volatile List<String> assigned = List.of();

        Worker(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        void run() {
            ReplyConsumer.this.run(this);
        }
    }

    private void run(Worker worker) {
        KafkaConsumer<byte[], byte[]> consumer = worker.consumer;
        try {
            consumer.subscribe(List.of(config.replies().topic()), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    worker.assigned = List.of();
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    worker.assigned = consumer.assignment().stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList();
                }
            });
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                List<ParsedReply> replies = new java.util.ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    parse(record).ifPresentOrElse(replies::add,
                            () -> metrics.counter("sagaflow.replies", "result", "unreadable").increment());
                }
                // Bounded batches: every command a batch decides waits for the batch's commit.
                int size = config.replies().batchSize();
                for (int from = 0; from < replies.size(); from += size) {
                    List<ParsedReply> batch = replies.subList(from, Math.min(replies.size(), from + size));
                    if (!applyAsOneBatch(batch)) {
                        // Something in the batch failed: apply one by one, so a failing reply is retried alone.
                        batch.forEach(this::applyUntilStored);
                    }
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("reply consumer stopped", e);
        } finally {
            consumer.close();
        }
    }

    /** One transaction for the whole poll; false when it failed (nothing of it was written). */
    private boolean applyAsOneBatch(List<ParsedReply> replies) {
        if (replies.isEmpty()) {
            return true;
        }
        try {
            var results = store.applyAll(replies.stream().map(r -> new SagaStore.Work(r.sagaId, now -> r.input(now))).toList())
                    .await().atMost(Duration.ofSeconds(60));
            results.forEach(this::count);
            return true;
        } catch (RuntimeException e) {
            LOG.debugf("a batch of %d replies failed (%s); applying them one by one", replies.size(), e.getMessage());
            return false;
        }
    }

    private void count(SagaStore.Applied applied) {
        metrics.counter("sagaflow.replies", "result",
                applied.decision().rejection().isPresent() ? "ignored" : "applied").increment();
    }

    private void applyUntilStored(ParsedReply r) {
        long backoff = 100;
        while (running) {
            try {
                var applied = store.apply(r.sagaId, r::input).await().atMost(Duration.ofSeconds(30));
                applied.decision().rejection().ifPresent(reason ->
                        LOG.debugf("reply %s for saga %s ignored: %s", r.messageId, r.sagaId, reason));
                count(applied);
                return;
            } catch (RuntimeException e) {
                LOG.warnf("applying reply %s of saga %s failed (%s); retrying in %d ms", r.messageId, r.sagaId,
                        e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private record ParsedReply(UUID sagaId, UUID messageId, String step, CommandKind kind, Outcome outcome,
                               JsonNode body) {
        SagaInput input(java.time.Instant now) {
            return new SagaInput.Reply(messageId, step, kind, outcome, body, now);
        }
    }

    private Optional<ParsedReply> parse(ConsumerRecord<byte[], byte[]> record) {
        var h = record.headers();
        try {
            UUID sagaId = UUID.fromString(Headers.get(h, Headers.SAGA_ID).orElseThrow(() -> missing(Headers.SAGA_ID)));
            UUID messageId = UUID.fromString(Headers.get(h, Headers.MESSAGE_ID).orElseThrow(() -> missing(Headers.MESSAGE_ID)));
            String step = Headers.get(h, Headers.STEP).orElseThrow(() -> missing(Headers.STEP));
            CommandKind kind = CommandKind.fromWire(Headers.get(h, Headers.KIND).orElseThrow(() -> missing(Headers.KIND)));
            Outcome outcome = Outcome.valueOf(Headers.get(h, Headers.OUTCOME).orElseThrow(() -> missing(Headers.OUTCOME)));
            JsonNode body = record.value() == null || record.value().length == 0 ? json.nullNode()
                    : json.readTree(new String(record.value(), StandardCharsets.UTF_8));
            return Optional.of(new ParsedReply(sagaId, messageId, step, kind, outcome, body));
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable reply at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    private static IllegalArgumentException missing(String header) {
        return new IllegalArgumentException("header " + header + " is missing");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
