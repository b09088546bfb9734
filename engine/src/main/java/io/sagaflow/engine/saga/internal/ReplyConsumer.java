package io.sagaflow.engine.saga.internal;

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
import io.sagaflow.engine.internal.Transient;
import io.sagaflow.engine.saga.SagaStore;
import io.sagaflow.loops.Supervisor;
import io.sagaflow.wire.KafkaHeader;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Applies participants' replies in set-based transactions of a batch each, the next poll's batches starting while
 * earlier ones still commit ({@code sagaflow.replies.in-flight}); a partition's offset is committed only after the
 * replies before it are all in the event store, so a crash re-reads them and the core
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
        Pipeline pipeline = new Pipeline(consumer, Math.max(1, config.replies().inFlight()));
        try {
            consumer.subscribe(List.of(config.replies().topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    worker.assigned = List.of();
                    pipeline.drain();   // what is in flight ends, and is committed, while the partitions are ours
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    worker.assigned = consumer.assignment().stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList();
                }
            });
            while (supervised.getAsBoolean()) {
                pipeline.awaitRoom();
                var records = consumer.poll(pipeline.isEmpty() ? IDLE_POLL : IN_FLIGHT_POLL);
                if (records.isEmpty()) {
                    pipeline.commitEnded();
                    continue;
                }
                List<Polled> replies = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    parse(record).map(reply -> new Polled(record, reply)).ifPresentOrElse(replies::add,
                            () -> metrics.counter("sagaflow.replies", "result", "unreadable").increment());
                    next.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                // Bounded batches: every command a batch decides waits for the batch's commit. The poll's offsets
                // ride on its last batch: committed once it and every batch before it ended.
                int size = config.replies().batchSize();
                int from = 0;
                do {
                    int to = Math.min(replies.size(), from + size);
                    pipeline.start(replies.subList(from, to), to == replies.size() ? next : Map.of());
                    from = to;
                } while (from < replies.size());
            }
        } catch (WakeupException e) {
            if (supervised.getAsBoolean()) {
                throw e;
            }
        } finally {
            pipeline.awaitAll();   // no transaction of this consumer outlives it; what ended here is read again
        }
    }

    /** How long a consumer with nothing in flight waits for replies. */
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /** How long a consumer with batches in flight waits for replies before it looks at how they ended. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(10);

    /**
     * One consumer's batches in flight, oldest first: a batch's transaction starts while earlier ones still run (up
     * to {@code depth} at a time), unless it shares a saga with one of them (then it waits for that one). Offsets
     * are committed for the batches that ended, in poll order, never past one that did not: a crash re-reads those,
     * and the core rejects a reply already applied.
     */
    private final class Pipeline {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final int depth;
        private final ArrayDeque<InFlight> batches = new ArrayDeque<>();

        Pipeline(KafkaConsumer<byte[], byte[]> consumer, int depth) {
            this.consumer = consumer;
            this.depth = depth;
        }

        boolean isEmpty() {
            return batches.isEmpty();
        }

        /**
         * Starts a batch's transaction, after waiting for room and for every batch in flight that holds a reply to
         * one of its sagas (one saga's replies are applied in the order of its partition); {@code offsets} are
         * committed once it ended.
         */
        void start(List<Polled> replies, Map<TopicPartition, OffsetAndMetadata> offsets) {
            Set<UUID> sagas = new HashSet<>();
            replies.forEach(r -> sagas.add(r.reply().sagaId()));
            batches.stream().filter(b -> !Collections.disjoint(b.sagas(), sagas)).forEach(ReplyConsumer::awaitEnd);
            awaitRoom();
            CompletableFuture<List<SagaStore.Applied>> applied = replies.isEmpty()
                    ? CompletableFuture.completedFuture(List.of())
                    : store.applyAll(replies.stream().map(ReplyConsumer::work).toList())
                            .ifNoItem().after(BATCH_TIMEOUT).fail()
                            .subscribeAsCompletionStage();
            batches.add(new InFlight(List.copyOf(replies), sagas, offsets, applied));
        }

        /** Waits while {@code depth} batches are in flight, then commits what ended. */
        void awaitRoom() {
            while (batches.size() >= depth) {
                awaitEnd(batches.peekFirst());
                commitEnded();
            }
        }

        /** Waits for every batch in flight and commits them (partitions about to be revoked). */
        void drain() {
            batches.forEach(ReplyConsumer::awaitEnd);
            commitEnded();
        }

        /** Waits for every batch in flight, committing nothing (the consumer is closing). */
        void awaitAll() {
            batches.forEach(ReplyConsumer::awaitEnd);
            batches.clear();
        }

        /**
         * Takes the batches that ended off the front, applies a failed one's replies one by one (after every later
         * batch in flight ended, so they are not applied alongside), and commits the offsets of what was applied.
         */
        void commitEnded() {
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            while (!batches.isEmpty() && batches.peekFirst().applied().isDone()) {
                InFlight batch = batches.pollFirst();
                try {
                    batch.applied().join().forEach(ReplyConsumer.this::count);
                } catch (RuntimeException e) {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    LOG.debugf("a batch of %d replies failed (%s); applying them one by one", batch.replies().size(),
                            cause.getMessage());
                    batches.forEach(ReplyConsumer::awaitEnd);
                    batch.replies().forEach(ReplyConsumer.this::applyUntilStored);
                }
                if (!running) {
                    return;   // stopping: a reply given up on mid-retry must be read again, so no commit
                }
                done.putAll(batch.offsets());
            }
            if (!done.isEmpty()) {
                consumer.commitSync(done);
            }
        }
    }

    /** A batch's transaction gives up after this; its replies are then applied one by one. */
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(60);

    /** A batch started, the offsets to commit once it ended, and how its transaction ends. */
    private record InFlight(List<Polled> replies, Set<UUID> sagas, Map<TopicPartition, OffsetAndMetadata> offsets,
                            CompletableFuture<List<SagaStore.Applied>> applied) {
    }

    /** Waits for a batch's transaction to end, however it ends (a failure is looked at by commitEnded). */
    private static void awaitEnd(InFlight batch) {
        batch.applied().handle((ok, failed) -> null).join();
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
