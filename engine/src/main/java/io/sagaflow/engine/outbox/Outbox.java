package io.sagaflow.engine.outbox;

import io.sagaflow.connectors.outbox.DirectSends;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes records for Kafka into the transactional outbox, inside the caller's transaction: every producer in the
 * engine (saga commands, committed messages, dead letters) goes through here, so nothing is ever published by a
 * dual write. Rows are deleted in the transaction that inserts them: the publication relays inserts only, and the
 * WAL keeps them for the relay (ARCHITECTURE.md, "Outbox rows are deleted ...").
 */
public final class Outbox {

    private Outbox() {
    }

    /**
     * One record to publish. Column names are Debezium EventRouter's; the rest become {@code sagaflow-*} headers.
     *
     * @param id             the outbox row id, published as header {@code sagaflow-message-id} (consumers dedupe on it)
     * @param topic          the Kafka topic
     * @param key            the record key (a saga id keeps one saga's records in order)
     * @param type           header {@code sagaflow-command}
     * @param payload        the record value, JSON text; empty for a null value
     * @param step           header {@code sagaflow-step}
     * @param kind           header {@code sagaflow-kind}
     * @param idempotencyKey header {@code sagaflow-idempotency-key}
     * @param replyTo        header {@code sagaflow-reply-to}
     * @param httpUrl        header {@code sagaflow-http-url}, only for commands to HTTP participants
     * @param httpTimeoutMs  header {@code sagaflow-http-timeout-ms}, only for commands to HTTP participants
     * @param traceparent    header {@code traceparent}: the W3C context of the span that sent it, when tracing is on
     * @param httpProtection header {@code sagaflow-http-protection}, only for commands to HTTP participants that
     *                       declare a circuit breaker, bulkhead or rate limit
     */
    public record Row(UUID id, String topic, String key, String type, Optional<String> payload, String step,
                      String kind, String idempotencyKey, String replyTo, Optional<String> httpUrl,
                      Optional<Long> httpTimeoutMs, Optional<String> traceparent, Optional<String> httpProtection) {

        public Row {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            Objects.requireNonNull(replyTo, "replyTo");
            Objects.requireNonNull(httpUrl, "httpUrl");
            Objects.requireNonNull(httpTimeoutMs, "httpTimeoutMs");
            Objects.requireNonNull(traceparent, "traceparent");
            Objects.requireNonNull(httpProtection, "httpProtection");
        }

        /** A row sent outside any trace. */
        public Row(UUID id, String topic, String key, String type, Optional<String> payload, String step, String kind,
                   String idempotencyKey, String replyTo, Optional<String> httpUrl, Optional<Long> httpTimeoutMs) {
            this(id, topic, key, type, payload, step, kind, idempotencyKey, replyTo, httpUrl, httpTimeoutMs,
                    Optional.empty(), Optional.empty());
        }

        /** This row sent from the span of {@code traceparent}. */
        public Row withTraceparent(Optional<String> traceparent) {
            return new Row(id, topic, key, type, payload, step, kind, idempotencyKey, replyTo, httpUrl, httpTimeoutMs,
                    traceparent, httpProtection);
        }

        /** This row for an HTTP participant protected by {@code protection} ({@code HttpProtection#encode}). */
        public Row withHttpProtection(Optional<String> protection) {
            return new Row(id, topic, key, type, payload, step, kind, idempotencyKey, replyTo, httpUrl, httpTimeoutMs,
                    traceparent, protection);
        }

        /**
         * The Kafka record the relay publishes for this row ({@code connectors.outbox.DirectSends#record}), for the
         * writer that sends it itself right after its commit; empty for a row without payload (the relay skips those).
         */
        public Optional<ProducerRecord<byte[], byte[]>> record() {
            if (payload.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> columns = new HashMap<>();
            columns.put("aggregateid", key);
            columns.put("type", type);
            columns.put("id", id);
            columns.put("step", step);
            columns.put("kind", kind);
            columns.put("idempotency_key", idempotencyKey);
            columns.put("reply_to", replyTo);
            columns.put("http_url", httpUrl.orElse(null));
            columns.put("http_timeout_ms", httpTimeoutMs.orElse(null));
            columns.put("http_protection", httpProtection.orElse(null));
            columns.put("traceparent", traceparent.orElse(null));
            return Optional.of(DirectSends.record(topic, key, payload.get(), columns));
        }

        /** A record that is not a command: no reply expected, no HTTP target. */
        public static Row event(UUID id, String topic, String key, String type, String payloadJson, String step,
                                String kind) {
            return new Row(id, topic, key, type, Optional.of(payloadJson), step, kind, id.toString(), "",
                    Optional.empty(), Optional.empty());
        }
    }

    /** Inserts the rows and deletes them again, in the caller's transaction. */
    public static Uni<Void> write(SqlConnection conn, List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> inserts = rows.stream().map(Outbox::tuple).toList();
        List<Tuple> ids = rows.stream().map(r -> Tuple.of(r.id())).toList();
        return conn.preparedQuery("INSERT INTO sagaflow_outbox (id, aggregatetype, aggregateid, type, payload, step, "
                        + "kind, idempotency_key, reply_to, http_url, http_timeout_ms, traceparent, http_protection) "
                        + "VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10, $11, $12, $13)")
                .executeBatch(inserts)
                .chain(() -> conn.preparedQuery("DELETE FROM sagaflow_outbox WHERE id = $1").executeBatch(ids))
                .replaceWithVoid();
    }

    private static Tuple tuple(Row r) {
        return Tuple.tuple().addValue(r.id()).addValue(r.topic()).addValue(r.key()).addValue(r.type())
                .addValue(r.payload().orElse(null)).addValue(r.step()).addValue(r.kind())
                .addValue(r.idempotencyKey()).addValue(r.replyTo()).addValue(r.httpUrl().orElse(null))
                .addValue(r.httpTimeoutMs().orElse(null)).addValue(r.traceparent().orElse(null))
                .addValue(r.httpProtection().orElse(null));
    }
}
