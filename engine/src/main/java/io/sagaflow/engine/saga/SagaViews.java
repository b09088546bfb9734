package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.internal.ListQuery;
import io.sagaflow.engine.internal.Page;
import io.sagaflow.engine.internal.PageCursor;
import io.sagaflow.engine.internal.PageRequest;
import io.sagaflow.engine.internal.SqlValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of the {@code saga} projection as the API shows it. The projection is written only by {@link SagaStore},
 * in the transaction of the events, so a read here is never ahead of the event log. Lists are keyset-paged newest
 * first on the index {@code (created_at, id)}, the same way as every other list of the engine.
 */
@ApplicationScoped
public class SagaViews {

    private static final String COLUMNS = "id, flow, flow_version, status, input::text AS input, "
            + "output::text AS output, error, steps::text AS steps, created_at, updated_at";

    private final Pool pool;
    private final ObjectMapper json;

    public SagaViews(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Which sagas a list shows; an empty member matches every saga. {@code from} is inclusive, {@code to} exclusive
     * (creation time).
     */
    public record Filter(Optional<SagaStatus> status, Optional<String> flow, Optional<Integer> flowVersion,
                         Optional<java.time.Instant> from, Optional<java.time.Instant> to, Optional<SagaSearch> search) {

        /** By status and flow only. */
        public static Filter of(Optional<SagaStatus> status, Optional<String> flow) {
            return new Filter(status, flow, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** One saga, empty when there is none with that id. */
    public Uni<Optional<SagaView>> get(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM saga WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(view(rows.iterator().next())));
    }

    /** Sagas matching the filter, newest first. */
    public Uni<Page<SagaView>> list(Filter filter, PageRequest page) {
        ListQuery query = ListQuery.newestFirst("saga", COLUMNS)
                .equal("status", filter.status().map(Enum::name))
                .equal("flow", filter.flow())
                .equal("flow_version", filter.flowVersion());
        filter.from().ifPresent(t -> query.and(p -> "created_at >= $" + p.addValue(SqlValues.at(t)).size()));
        filter.to().ifPresent(t -> query.and(p -> "created_at < $" + p.addValue(SqlValues.at(t)).size()));
        filter.search().ifPresent(search -> {
            if (search instanceof SagaSearch.ById byId) {
                query.equal("id", Optional.of(byId.id()));
            } else if (search instanceof SagaSearch.ByIdempotencyKey byKey) {
                query.equal("idempotency_key", Optional.of(byKey.key()));
            } else if (search instanceof SagaSearch.ByInput byInput) {
                query.and(p -> byInput.anyOf().stream()
                        .map(doc -> "input @> $" + p.addValue(SqlValues.json(json, doc)).size() + "::text::jsonb")
                        .collect(java.util.stream.Collectors.joining(" OR ")));
            }
        });
        return query.fetch(pool, page).map(rows -> {
            List<SagaView> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r)));
            return Page.of(out, page, v -> new PageCursor(v.createdAt().toInstant(), v.id()));
        });
    }

    /** Sagas of one flow in one status. */
    public record Count(String flow, String status, long count) {
    }

    /** One minute of the last hour: sagas started, completed, compensated and failed in it. */
    public record Minute(java.time.Instant minute, long started, long completed, long compensated, long failed) {
    }

    /**
     * Counts for the overview: {@code open} (RUNNING, COMPENSATING, FAILED: all of them, by the status index),
     * {@code finished} (COMPLETED, COMPENSATED since {@code finishedSince}, by the finished index) and {@code minutes}
     * (the last 60 minutes, oldest first, every minute present).
     */
    public record Overview(List<Count> open, List<Count> finished, java.time.Instant finishedSince, List<Minute> minutes) {
    }

    /** The overview's counts as of {@code now}. */
    public Uni<Overview> overview(java.time.Instant now) {
        java.time.Instant dayAgo = now.minus(java.time.Duration.ofDays(1));
        java.time.Instant hourAgo = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(java.time.Duration.ofMinutes(59));
        Uni<List<Count>> open = counts("SELECT flow, status, count(*) AS n FROM saga WHERE status IN "
                + "('RUNNING', 'COMPENSATING', 'FAILED') GROUP BY flow, status ORDER BY flow, status", Tuple.tuple());
        Uni<List<Count>> finished = counts("SELECT flow, status, count(*) AS n FROM saga WHERE status IN "
                + "('COMPLETED', 'COMPENSATED') AND updated_at >= $1 GROUP BY flow, status ORDER BY flow, status",
                Tuple.of(SqlValues.at(dayAgo)));
        Uni<java.util.Map<java.time.Instant, long[]>> minutes = pool.preparedQuery(
                        "SELECT date_trunc('minute', created_at) AS m, 'STARTED' AS what, count(*) AS n FROM saga "
                                + "WHERE created_at >= $1 GROUP BY 1 "
                                + "UNION ALL SELECT date_trunc('minute', updated_at), status, count(*) FROM saga "
                                + "WHERE status IN ('COMPLETED', 'COMPENSATED') AND updated_at >= $1 GROUP BY 1, 2 "
                                + "UNION ALL SELECT date_trunc('minute', updated_at), status, count(*) FROM saga "
                                + "WHERE status = 'FAILED' AND updated_at >= $1 GROUP BY 1, 2")
                .execute(Tuple.of(SqlValues.at(hourAgo)))
                .map(rows -> {
                    java.util.Map<java.time.Instant, long[]> byMinute = new java.util.TreeMap<>();
                    for (int i = 0; i < 60; i++) {
                        byMinute.put(hourAgo.plus(java.time.Duration.ofMinutes(i)), new long[4]);
                    }
                    for (Row r : rows) {
                        long[] slot = byMinute.get(r.getOffsetDateTime("m").toInstant());
                        if (slot == null) {
                            continue;   // a clock ahead of this node's: not in the window
                        }
                        int column = switch (r.getString("what")) {
                            case "STARTED" -> 0;
                            case "COMPLETED" -> 1;
                            case "COMPENSATED" -> 2;
                            default -> 3;
                        };
                        slot[column] += r.getLong("n");
                    }
                    return byMinute;
                });
        return Uni.combine().all().unis(open, finished, minutes).asTuple().map(t -> new Overview(t.getItem1(),
                t.getItem2(), dayAgo, t.getItem3().entrySet().stream()
                .map(e -> new Minute(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]))
                .toList()));
    }

    private Uni<List<Count>> counts(String sql, Tuple params) {
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<Count> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Count(r.getString("flow"), r.getString("status"), r.getLong("n"))));
            return out;
        });
    }

    private SagaView view(Row r) {
        return new SagaView(r.getUUID("id"), r.getString("flow"), r.getInteger("flow_version"), r.getString("status"),
                SqlValues.tree(json, r.getString("input")), SqlValues.tree(json, r.getString("output")),
                r.getString("error"), SqlValues.tree(json, r.getString("steps")), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }
}
