package io.sagaflow.connectors.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.wire.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Outbox records sent by the node that wrote them, right after its commit, instead of one trip through the WAL and
 * Debezium later (ARCHITECTURE.md, "Direct sends"). The outbox row stays the record of what must be sent: the relay
 * still reads every row, and publishes it unless this node's direct send of it was acknowledged by Kafka. So a
 * crash, a failed send or a send that never happened costs only the relay's usual latency, never a record, and a
 * record is published once in the normal course (more than once only where the relay already could: a crash, a
 * lost leadership; consumers dedupe on the message id).
 *
 * <p>Only the relay leader sends directly (it owns the producer, and its relay is the one that sees the rows), so
 * a record and its fallback go through one producer, in order. A writer reserves its records before its commit
 * (the relay may read the row the moment it is committed) and then says {@link Batch#committed()} or
 * {@link Batch#abandoned()}.
 */
public final class DirectSends {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DirectSends.class);

    /** The relay waits this long for a reserved record's direct send before it publishes the record itself. */
    static final Duration WAIT = Duration.ofSeconds(5);

    /** A reservation left behind (the relay never saw its row, e.g. it restarted past it) is dropped after this. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(1);

    private final ConcurrentHashMap<String, Reserved> reserved = new ConcurrentHashMap<>();
    private final ExecutorService sender;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Producer<byte[], byte[]> producer;
    private volatile long lastSweep = System.nanoTime();
    private volatile long lastDifferenceLogged = System.nanoTime() - Duration.ofMinutes(1).toNanos();

    /** @param sender one thread: sends leave in the order of the commits that asked for them */
    DirectSends(ExecutorService sender) {
        this.sender = sender;
    }

    /** A writer's records, reserved before its commit. */
    public interface Batch {

        /** No direct send: the relay publishes what the transaction wrote. */
        Batch NONE = new Batch() {
            @Override
            public void reserve(List<ProducerRecord<byte[], byte[]>> records) {
            }

            @Override
            public void committed() {
            }

            @Override
            public void abandoned() {
            }
        };

        /** Called inside the transaction, before its commit: these records will be sent directly once it commits. */
        void reserve(List<ProducerRecord<byte[], byte[]>> records);

        /** The transaction committed: send the reserved records now. */
        void committed();

        /** The transaction failed (or its outcome is unknown): leave everything to the relay. */
        void abandoned();
    }

    /** How the relay found one of the rows it read. */
    enum Outcome {
        /** Not sent directly: the relay publishes it. */
        RELAY,
        /** Sent directly and acknowledged, as the relay would have sent it. */
        SENT,
        /** Sent directly and acknowledged, but not as the relay would have sent it (a bug: counted and logged). */
        SENT_DIFFERENT
    }

    /** Direct sends go through {@code producer} from now on (this node leads the relay and streams). */
    void open(Producer<byte[], byte[]> producer) {
        this.producer = Objects.requireNonNull(producer);
    }

    /** No more direct sends (the relay stops or loses its leadership); reservations left go to the relay. */
    void close() {
        producer = null;
        reserved.values().forEach(Reserved::giveUp);
        reserved.clear();
    }

    /** A batch for one transaction: {@link Batch#NONE} unless direct sends are open. */
    Batch batch() {
        Producer<byte[], byte[]> p = producer;
        return p == null ? Batch.NONE : new Open(p);
    }

    /**
     * For the relay, about a record it read: whether this node sent it directly (waiting up to {@code wait} for a
     * send still under way). A record is answered for once; after a give-up the direct send will not happen.
     */
    Outcome relayed(ProducerRecord<byte[], byte[]> relay, Duration wait) throws InterruptedException {
        sweep();
        String id = header(relay, KafkaHeader.MESSAGE_ID);
        Reserved r = id == null ? null : reserved.remove(id);
        if (r == null || !r.acknowledged(wait)) {
            return Outcome.RELAY;
        }
        if (same(relay, r.record)) {
            return Outcome.SENT;
        }
        long now = System.nanoTime();
        if (now - lastDifferenceLogged > Duration.ofSeconds(10).toNanos()) {   // a bug, but not a flood of lines
            lastDifferenceLogged = now;
            LOG.warnf("a record sent directly differs from the one the relay read for its row (counted in "
                    + "sagaflow.outbox.direct{result=different}): relay %s, direct %s", describe(relay), describe(r.record));
        }
        return Outcome.SENT_DIFFERENT;
    }

    /** Records reserved and not yet answered for (for tests and metrics). */
    int reservedCount() {
        return reserved.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        if (now - lastSweep < FORGET_AFTER.toNanos()) {
            return;
        }
        lastSweep = now;
        reserved.values().removeIf(r -> now - r.at > FORGET_AFTER.toNanos() && r.giveUp());
    }

    /** One transaction's reservations. */
    private final class Open implements Batch {
        private final Producer<byte[], byte[]> producer;
        private final List<Reserved> mine = new ArrayList<>();

        Open(Producer<byte[], byte[]> producer) {
            this.producer = producer;
        }

        @Override
        public void reserve(List<ProducerRecord<byte[], byte[]>> records) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                String id = header(record, KafkaHeader.MESSAGE_ID);
                if (id != null) {
                    Reserved r = new Reserved(record);
                    reserved.put(id, r);
                    mine.add(r);
                }
            }
        }

        @Override
        public void committed() {
            if (mine.isEmpty()) {
                return;
            }
            try {
                sender.execute(() -> mine.forEach(r -> r.send(producer)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                abandoned();   // shutting down: the relay (this node's or the next leader's) publishes them
            }
        }

        @Override
        public void abandoned() {
            for (Reserved r : mine) {
                r.giveUp();
                reserved.remove(DirectSends.header(r.record, KafkaHeader.MESSAGE_ID), r);   // a retry may hold the id now
            }
        }
    }

    /** A reserved record: sent at most once, by the direct path or (after a give-up) by the relay. */
    private static final class Reserved {
        final ProducerRecord<byte[], byte[]> record;
        final long at = System.nanoTime();
        final AtomicBoolean claimed = new AtomicBoolean();
        final CompletableFuture<Boolean> acknowledged = new CompletableFuture<>();

        Reserved(ProducerRecord<byte[], byte[]> record) {
            this.record = record;
        }

        void send(Producer<byte[], byte[]> producer) {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                producer.send(record, (metadata, error) -> acknowledged.complete(error == null));
            } catch (RuntimeException e) {
                acknowledged.complete(false);   // e.g. the producer was closed: the relay publishes it
            }
        }

        /** True when the direct path will not send it (nobody claimed it yet); false when a send is under way. */
        boolean giveUp() {
            if (claimed.compareAndSet(false, true)) {
                acknowledged.complete(false);
                return true;
            }
            return false;
        }

        /**
         * Whether the direct send was acknowledged, waiting up to {@code wait} for it to be claimed and then for its
         * outcome (a claimed send is always waited for to its end: publishing it meanwhile would send it twice).
         */
        boolean acknowledged(Duration wait) throws InterruptedException {
            try {
                return acknowledged.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (giveUp()) {
                    return false;
                }
                try {
                    return acknowledged.get();   // the producer's own delivery timeout ends it
                } catch (ExecutionException inner) {
                    return false;
                }
            } catch (ExecutionException e) {
                return false;
            }
        }
    }

    /** Whether two records are the same to a consumer: topic, key, headers, and the value as JSON. */
    private boolean same(ProducerRecord<byte[], byte[]> a, ProducerRecord<byte[], byte[]> b) {
        return a.topic().equals(b.topic()) && Arrays.equals(a.key(), b.key())
                && headers(a).equals(headers(b)) && sameJson(a.value(), b.value());
    }

    private boolean sameJson(byte[] a, byte[] b) {
        if (a == null || b == null) {
            return a == b;
        }
        try {
            return json.readTree(a).equals(json.readTree(b));
        } catch (java.io.IOException e) {
            return Arrays.equals(a, b);
        }
    }

    private static List<String> headers(ProducerRecord<byte[], byte[]> record) {
        List<String> out = new ArrayList<>();
        for (Header h : record.headers()) {
            out.add(h.key() + "=" + (h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
        }
        out.sort(null);
        return out;
    }

    private static String describe(ProducerRecord<byte[], byte[]> record) {
        return record.topic() + " key=" + (record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8))
                + " headers=" + headers(record) + " value="
                + (record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
    }

    static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The record the relay publishes for an outbox row (topic {@code aggregatetype}, key {@code aggregateid}, value
     * {@code payload}, one header per non-null column of {@link OutboxHeaders#PLACEMENTS}), built from the row's
     * values before it is written, plus the router's own {@code id} header. {@code columns} maps column names to
     * values; absent or null: no header.
     */
    public static ProducerRecord<byte[], byte[]> record(String topic, String key, String payloadJson,
                                                        Map<String, Object> columns) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                payloadJson.getBytes(StandardCharsets.UTF_8));
        Object id = columns.get("id");
        if (id != null) {   // the EventRouter's own header with the row id
            record.headers().add(OutboxHeaders.EVENT_ID, id.toString().getBytes(StandardCharsets.UTF_8));
        }
        for (OutboxHeaders.Placement p : OutboxHeaders.PLACEMENTS) {
            Object value = columns.get(p.column());
            if (value != null) {
                record.headers().add(p.header(), value.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return record;
    }
}
