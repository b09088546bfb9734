package io.sagaflow.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.config.SagaflowConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/nodes")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

    private final Pool pool;
    private final SagaflowConfig config;
    private final ObjectMapper json;

    public NodeResource(Pool pool, SagaflowConfig config, ObjectMapper json) {
        this.pool = pool;
        this.config = config;
        this.json = json;
    }

    /** One engine node: alive when its last heartbeat is recent; {@code holds} is what it held then. */
    public record NodeView(String id, boolean alive, OffsetDateTime startedAt, OffsetDateTime lastHeartbeat,
                           JsonNode holds) {
    }

    @GET
    @Operation(summary = "Engine nodes with their last heartbeat and what each holds (relay leadership, partitions)")
    public Uni<List<NodeView>> list() {
        return pool.query("SELECT id, started_at, heartbeat_at, holds::text AS holds, "
                        + "heartbeat_at > now() - make_interval(secs => " + config.nodes().deadAfter().toMillis() / 1000.0
                        + ") AS alive FROM engine_node ORDER BY alive DESC, id")
                .execute()
                .map(rows -> {
                    List<NodeView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new NodeView(r.getString("id"), r.getBoolean("alive"), r.getOffsetDateTime("started_at"),
                                r.getOffsetDateTime("heartbeat_at"), parse(r.getString("holds"))));
                    }
                    return out;
                });
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
