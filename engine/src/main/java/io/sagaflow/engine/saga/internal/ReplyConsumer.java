package io.sagaflow.engine.saga.internal;

import io.sagaflow.engine.internal.Transient;
import io.sagaflow.loops.Supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.connectors.tracing.SagaLogContext;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.deadletter.NewDeadLetter;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.Map;
import io.sagaflow.engine.saga.SagaStore;
import io.sagaflow.wire.KafkaHeader;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Applies participants' replies, a poll at a time (one set-based transaction per batch); the partition's offset is
 * committed only after the replies of a poll are all in the event store, so a crash re-reads them and the core
 * rejects the ones already applied (the message id's fate is in the saga's state). A reply that cannot be
 * read, or keeps failing to apply, goes to the dead-letter store (source REPLY) and its partition moves on; a
 * database failure is retried, never skipped.
 */
@ApplicationScoped
public class ReplyConsumer {

    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class);

    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final SagaStore store;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Pool pool;
    private final DeadLetterStore deadLetters;
    private volatile int partitionCount;
    private final List<Worker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running;
    /** Restarts of a reply consumer after an unexpected failure: 1 s, doubling, at most 30 s. */
    private static final io.sagaflow.loops.Backoff RESTART = new io.sagaflow.loops.Backoff(Duration.ofSeconds(1),
            Duration.ofSeconds(30));

    /** Partitions of the reply topic; 0 until this node started consuming. */
    public int partitionCount() {
        return partitionCount;
    }

    /** The reply partitions this node consumes now, as {@code topic-partition}. */
    public List<String> assignedPartitions() {
        return workers.stream().flatMap(w -> w.assigned.stream()).sorted().toList();
    }

    public ReplyConsumer(SagaflowConfig config, KafkaClients kafka, SagaStore store, ObjectMapper json,
                         MeterRegistry metrics, Pool pool, DeadLetterStore deadLetters) {
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.config = config;
        this.kafka = kafka;
        this.store = store;
        this.json = json;
        this.metrics = metrics;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        kafka.ensureTopics(List.of(config.replies().topic()));
        partitionCount = kafka.partitions(config.replies().topic());
        running = true;
        // Several consumers of one group: partitions (hence sagas) are spread over them and applied in parallel. Each
        // runs supervised: an unexpected failure closes its consumer and a new one starts after a backoff (offsets
        // were committed only for applied polls, so nothing is skipped); readiness is DOWN meanwhile.
        for (int i = 0; i < config.replies().consumers(); i++) {
            Worker worker = new Worker("sagaflow-replies-" + i);
            workers.add(worker);
            worker.supervisor.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        for (Worker w : workers) {
            w.supervisor.stop(Duration.ofSeconds(10), () -> {
                running = false;   // after the supervisor's own flag: the loop's end is then never taken for a failure
                KafkaConsumer<byte[], byte[]> c = w.consumer;
                if (c != null) {
                    c.wakeup();
                }
            });
        }
    }

    /** One consumer of the reply group and the supervised thread that polls it. */
    private final class Worker {
        final String clientId;
        final Supervisor supervisor;
        volatile KafkaConsumer<byte[], byte[]> consumer;
        volatile List<String> assigned = List.of();

        Worker(String clientId) {
            this.clientId = clientId;
            this.supervisor = new Supervisor(clientId, RESTART, this::run, new Supervisor.Listener() { },
                    java.time.Clock.systemUTC());
        }

        void run(java.util.function.BooleanSupplier supervised) {
            consumer = kafka.consumer(config.replies().group(), clientId);
            try {
                ReplyConsumer.this.run(this, supervised);
            } finally {
                assigned = List.of();
                consumer.close();
            }
        }
    }

    private void run(Worker worker, java.util.function.BooleanSupplier supervised) {
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
            while (supervised.getAsBoolean()) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                List<Polled> replies = new java.util.ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    parse(record).map(reply -> new Polled(record, reply)).ifPresentOrElse(replies::add,
                            () -> metrics.counter("sagaflow.replies", "result", "unreadable").increment());
                }
                // Bounded batches: every command a batch decides waits for the batch's commit.
                int size = config.replies().batchSize();
                for (int from = 0; from < replies.size(); from += size) {
                    List<Polled> batch = replies.subList(from, Math.min(replies.size(), from + size));
                    if (!applyAsOneBatch(batch)) {
                        // Something in the batch failed: apply one by one, so a failing reply is retried alone.
                        batch.forEach(this::applyUntilStored);
                    }
                }
                if (!running || !supervised.getAsBoolean()) {
                    break;   // stopping: a reply given up on mid-retry must be read again, so no commit
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            if (supervised.getAsBoolean()) {
                throw e;
            }
        }
    }

    /** One transaction for the whole poll; false when it failed (nothing of it was written). */
    private boolean applyAsOneBatch(List<Polled> replies) {
        if (replies.isEmpty()) {
            return true;
        }
        try {
            var results = store.applyAll(replies.stream().map(ReplyConsumer::work).toList())
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

    /**
     * Applies one reply, retrying failures that look like a lost database; a reply that fails otherwise
     * {@code sagaflow.dead-letters.poison-attempts} times is dead-lettered, so it never blocks its partition.
     */
    private void applyUntilStored(Polled polled) {
        try (SagaLogContext saga = SagaLogContext.of(polled.reply().sagaId().toString())) {
            applyUntilStoredLogged(polled);
        }
    }

    private void applyUntilStoredLogged(Polled polled) {
        Reply r = polled.reply();
        long backoff = 100;
        int failures = 0;
        while (running) {
            try {
                var applied = store.applyAll(List.of(work(polled))).await().atMost(Duration.ofSeconds(30)).get(0);
                applied.decision().rejection().ifPresent(reason ->
                        LOG.debugf("reply %s for saga %s ignored: %s", r.messageId(), r.sagaId(), reason));
                count(applied);
                return;
            } catch (RuntimeException e) {
                if (!Transient.is(e) && ++failures >= config.deadLetters().poisonAttempts()) {
                    LOG.warnf("dead-lettering reply %s of saga %s after %d failures: %s", r.messageId(), r.sagaId(),
                            failures, e.getMessage());
                    deadLetter(polled.record(), headers(polled.record()), "reply-not-applicable", String.valueOf(e.getMessage()),
                            failures);
                    return;
                }
                LOG.warnf("applying reply %s of saga %s failed (%s); retrying in %d ms", r.messageId(), r.sagaId(),
                        e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** A record of a poll and the reply read from it. */
    private record Polled(ConsumerRecord<byte[], byte[]> record, Reply reply) {
    }

    /** The reply as the store's input, with the trace context it carries (docs/tracing.md). */
    private static SagaStore.Work work(Polled p) {
        var traceparent = p.record().headers().lastHeader(KafkaHeader.TRACEPARENT);
        return new SagaStore.Work(p.reply().sagaId(), p.reply()::input,
                traceparent == null || traceparent.value() == null ? Optional.empty()
                        : Optional.of(new String(traceparent.value(), StandardCharsets.UTF_8)));
    }

    /** A reply as the core takes it. */
    private Optional<Reply> parse(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = headers(record);
        try {
            return Optional.of(Reply.parse(headers, record.value(), json));
        } catch (IllegalArgumentException e) {
            LOG.warnf("dead-lettering an unreadable reply at %s: %s", origin(record), e.getMessage());
            deadLetter(record, headers, "unreadable-reply", e.getMessage(), 1);
            return Optional.empty();
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var header : record.headers()) {
            out.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String origin(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * Puts a poison reply in the dead-letter store, so it never blocks its partition. Retried until stored: the
     * offset is committed only after, so a crash meanwhile reads the reply again.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Map<String, String> headers, String reason,
                            String detail, int attempts) {
        NewDeadLetter letter = new NewDeadLetter(DeadLetterSource.REPLY, origin(record), Optional.empty(), reason,
                detail == null ? reason : detail,
                Optional.ofNullable(record.value()).map(v -> new String(v, StandardCharsets.UTF_8)), headers, attempts);
        long backoff = 100;
        while (running) {
            try {
                pool.withTransaction(conn -> deadLetters.record(conn, letter)).await().atMost(Duration.ofSeconds(30));
                metrics.counter("sagaflow.replies", "result", "dead-lettered").increment();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("storing dead letter for %s failed (%s); retrying in %d ms", origin(record), e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
