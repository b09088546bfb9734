package io.sagaflow.engine.deadletter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.internal.PageCursor;
import io.sagaflow.engine.internal.TimeOrderedIds;
import io.sagaflow.engine.outbox.Outbox;
import io.sagaflow.engine.internal.SqlValues;
import io.sagaflow.engine.internal.ListQuery;
import io.sagaflow.engine.internal.Page;
import io.sagaflow.engine.internal.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The dead-letter store. Sources write into it inside the transaction in which they give up (the saga's FAILED
 * event, the message's UNDECIDED, the notification's GAVE_UP), so a letter exists exactly when its origin gave up;
 * every change is mirrored to {@code sagaflow.dead-letters.topic} through the outbox in that same transaction.
 */
@ApplicationScoped
public class DeadLetterStore {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> REQUEST = new TypeReference<>() {
    };

    private final Pool pool;
    private final SagaflowConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;

    public DeadLetterStore(Pool pool, SagaflowConfig config, ObjectMapper json, Clock clock, MeterRegistry metrics) {
        this.pool = pool;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Records a give-up in the caller's transaction. While a letter of the same origin is OPEN it is updated (reason,
     * detail, attempts) instead of duplicated; a redrive of that origin that was still ACCEPTED becomes FAILED_AGAIN.
     */
    public Uni<UUID> record(SqlConnection conn, NewDeadLetter letter) {
        Instant now = clock.instant();
        UUID id = TimeOrderedIds.next(now);
        return conn.preparedQuery("INSERT INTO dead_letter (id, source, origin, flow, reason, detail, payload, headers, "
                        + "attempts, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, "
                        + "$9, 'OPEN', $10, $10) ON CONFLICT (source, origin) WHERE status = 'OPEN' DO UPDATE SET "
                        + "reason = EXCLUDED.reason, detail = EXCLUDED.detail, attempts = EXCLUDED.attempts, "
                        + "updated_at = EXCLUDED.updated_at RETURNING id")
                .execute(Tuple.tuple().addValue(id).addValue(letter.source().name()).addValue(letter.origin())
                        .addValue(letter.flow().orElse(null)).addValue(letter.reason()).addValue(letter.detail())
                        .addValue(letter.payload().orElse(null)).addValue(SqlValues.json(json, letter.headers()))
                        .addValue(letter.attempts()).addValue(SqlValues.at(now)))
                .chain(rows -> {
                    UUID stored = rows.iterator().next().getUUID("id");
                    return settleRedrives(conn, letter.source(), letter.origin(), "FAILED_AGAIN",
                            "dead-lettered again as " + stored, now)
                            .chain(() -> mirror(conn, stored, "DeadLetterRecorded", now))
                            .invoke(() -> metrics.counter("sagaflow.dead.letters.recorded", "source",
                                    letter.source().name(), "reason", letter.reason()).increment())
                            .replaceWith(stored);
                });
    }

    /**
     * The origin was settled without a redrive (an operator retried the saga, committed the message or resent the
     * notification directly): its OPEN letter, if any, becomes RESOLVED with {@code how}.
     */
    public Uni<Void> resolve(SqlConnection conn, DeadLetterSource source, String origin, String how) {
        Instant now = clock.instant();
        return conn.preparedQuery("UPDATE dead_letter SET status = 'RESOLVED', detail = detail || ' | resolved: ' || $3, "
                        + "updated_at = $4 WHERE source = $1 AND origin = $2 AND status = 'OPEN' RETURNING id")
                .execute(Tuple.of(source.name(), origin, how, SqlValues.at(now)))
                .chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        chain = chain.chain(() -> mirror(conn, id, "DeadLetterResolved", now));
                    }
                    return chain;
                });
    }

    /** The origin of a redriven letter ended well: its ACCEPTED redrives become SUCCEEDED. */
    public Uni<Void> originSucceeded(SqlConnection conn, DeadLetterSource source, String origin, String detail) {
        return settleRedrives(conn, source, origin, "SUCCEEDED", detail, clock.instant());
    }

    private Uni<Void> settleRedrives(SqlConnection conn, DeadLetterSource source, String origin, String outcome,
                                     String detail, Instant now) {
        return conn.preparedQuery("UPDATE dead_letter_redrive r SET outcome = $3, detail = coalesce(r.detail || ' | ', '') "
                        + "|| $4, settled_at = $5 FROM dead_letter d WHERE r.dead_letter_id = d.id AND d.source = $1 "
                        + "AND d.origin = $2 AND d.status = 'REDRIVEN' AND r.outcome = 'ACCEPTED'")
                .execute(Tuple.of(source.name(), origin, outcome, detail, SqlValues.at(now)))
                .replaceWithVoid();
    }

    /** Marks an OPEN letter REDRIVEN and records the redrive as ACCEPTED (the caller holds the letter's row lock). */
    Uni<UUID> markRedriven(SqlConnection conn, UUID letterId, Optional<String> idempotencyKey, ObjectNode request) {
        Instant now = clock.instant();
        UUID redriveId = TimeOrderedIds.next(now);
        return conn.preparedQuery("UPDATE dead_letter SET status = 'REDRIVEN', updated_at = $2 WHERE id = $1")
                .execute(Tuple.of(letterId, SqlValues.at(now)))
                .chain(() -> conn.preparedQuery("INSERT INTO dead_letter_redrive (id, dead_letter_id, requested_at, "
                                + "idempotency_key, request, outcome) VALUES ($1, $2, $3, $4, $5::text::jsonb, 'ACCEPTED')")
                        .execute(Tuple.of(redriveId, letterId, SqlValues.at(now), idempotencyKey.orElse(null), SqlValues.json(json, request))))
                .chain(() -> mirror(conn, letterId, "DeadLetterRedriven", now))
                .replaceWith(redriveId);
    }

    /** Records what the source did for a redrive (unless the origin already settled it). */
    Uni<Void> describeRedrive(SqlConnection conn, UUID redriveId, String detail) {
        return conn.preparedQuery("UPDATE dead_letter_redrive SET detail = CASE WHEN detail IS NULL THEN $2 "
                        + "ELSE $2 || ' | ' || detail END WHERE id = $1")
                .execute(Tuple.of(redriveId, detail))
                .replaceWithVoid();
    }

    /** Mirrors the letter as it now is to the dead-letter topic, in the caller's transaction. */
    private Uni<Void> mirror(SqlConnection conn, UUID letterId, String change, Instant now) {
        return find(conn, letterId).chain(letter -> {
            ObjectNode body = json.valueToTree(letter.orElseThrow());
            body.put("change", change);
            return Outbox.write(conn, List.of(Outbox.Row.event(UUID.randomUUID(), config.deadLetters().topic(),
                    letterId.toString(), change, SqlValues.json(json, body), letter.get().source().name(), "dead-letter")));
        });
    }

    /** One letter with its redrives. */
    public Uni<Optional<DeadLetter>> get(UUID id) {
        return find(pool, id);
    }

    Uni<Optional<DeadLetter>> find(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT * FROM dead_letter WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<DeadLetter>empty());
                    }
                    Row row = rows.iterator().next();
                    return client.preparedQuery("SELECT * FROM dead_letter_redrive WHERE dead_letter_id = $1 "
                                    + "ORDER BY requested_at, id")
                            .execute(Tuple.of(id))
                            .map(redrives -> {
                                List<DeadLetter.Redrive> list = new ArrayList<>();
                                for (Row r : redrives) {
                                    list.add(new DeadLetter.Redrive(r.getUUID("id"),
                                            r.getOffsetDateTime("requested_at").toInstant(),
                                            Optional.ofNullable(r.getString("idempotency_key")),
                                            SqlValues.value(json, r.getValue("request").toString(), REQUEST), r.getString("outcome"),
                                            Optional.ofNullable(r.getString("detail")),
                                            Optional.ofNullable(r.getOffsetDateTime("settled_at")).map(OffsetDateTime::toInstant)));
                                }
                                return Optional.of(letter(row, list));
                            });
                });
    }

    /** A filter of GET /api/dead-letters and the bulk redrive; empty parts match everything. */
    public record Filter(Optional<DeadLetterSource> source, Optional<DeadLetterStatus> status, Optional<String> flow,
                         Optional<String> reason) {

        String where(Tuple params) {
            StringBuilder sql = new StringBuilder("TRUE");
            source.ifPresent(s -> sql.append(" AND source = $").append(params.addValue(s.name()).size()));
            status.ifPresent(s -> sql.append(" AND status = $").append(params.addValue(s.name()).size()));
            flow.ifPresent(f -> sql.append(" AND flow = $").append(params.addValue(f).size()));
            reason.ifPresent(r -> sql.append(" AND reason = $").append(params.addValue(r).size()));
            return sql.toString();
        }
    }

    /** Letters matching the filter, newest first, after the cursor (created_at, id) if any; without redrives. */
    public Uni<Page<DeadLetter>> list(Filter filter, PageRequest page) {
        return ListQuery.newestFirst("dead_letter", "*").and(filter::where).fetch(pool, page).map(rows -> {
            List<DeadLetter> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(letter(r, List.of()));
            }
            return Page.of(out, page, d -> new PageCursor(d.createdAt(), d.id()));
        });
    }

    /** The ids of all letters matching the filter, oldest first (what a bulk redrive acts on). */
    public Uni<List<UUID>> ids(Filter filter) {
        Tuple params = Tuple.tuple();
        String sql = "SELECT id FROM dead_letter WHERE " + filter.where(params) + " ORDER BY created_at, id";
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<UUID> out = new ArrayList<>();
            rows.forEach(r -> out.add(r.getUUID("id")));
            return out;
        });
    }

    /** Open letters by source, for the metrics gauge. */
    public Uni<Map<DeadLetterSource, Long>> openCounts() {
        return pool.query("SELECT source, count(*) AS n FROM dead_letter WHERE status = 'OPEN' GROUP BY source")
                .execute()
                .map(rows -> {
                    Map<DeadLetterSource, Long> out = new java.util.EnumMap<>(DeadLetterSource.class);
                    for (DeadLetterSource s : DeadLetterSource.values()) {
                        out.put(s, 0L);
                    }
                    rows.forEach(r -> out.put(DeadLetterSource.valueOf(r.getString("source")), r.getLong("n")));
                    return out;
                });
    }

    private DeadLetter letter(Row r, List<DeadLetter.Redrive> redrives) {
        return new DeadLetter(r.getUUID("id"), DeadLetterSource.valueOf(r.getString("source")), r.getString("origin"),
                Optional.ofNullable(r.getString("flow")), r.getString("reason"), r.getString("detail"),
                Optional.ofNullable(r.getString("payload")), SqlValues.value(json, r.getValue("headers").toString(), HEADERS),
                r.getInteger("attempts"), DeadLetterStatus.valueOf(r.getString("status")),
                r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(), redrives);
    }



}
