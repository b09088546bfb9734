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

    /** Which sagas a list shows; an empty member matches every saga. */
    public record Filter(Optional<SagaStatus> status, Optional<String> flow) {
    }

    /** One saga, empty when there is none with that id. */
    public Uni<Optional<SagaView>> get(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM saga WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(view(rows.iterator().next())));
    }

    /** Sagas matching the filter, newest first. */
    public Uni<Page<SagaView>> list(Filter filter, PageRequest page) {
        return ListQuery.newestFirst("saga", COLUMNS)
                .equal("status", filter.status().map(Enum::name))
                .equal("flow", filter.flow())
                .fetch(pool, page).map(rows -> {
            List<SagaView> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r)));
            return Page.of(out, page, v -> new PageCursor(v.createdAt().toInstant(), v.id()));
        });
    }

    private SagaView view(Row r) {
        return new SagaView(r.getUUID("id"), r.getString("flow"), r.getInteger("flow_version"), r.getString("status"),
                SqlValues.tree(json, r.getString("input")), SqlValues.tree(json, r.getString("output")),
                r.getString("error"), SqlValues.tree(json, r.getString("steps")), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }
}
