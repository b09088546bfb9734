package io.sagaflow.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.sagaflow.engine.saga.RecordedEvent;
import io.sagaflow.engine.store.EventCodec;
import io.sagaflow.engine.store.SagaStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/sagas")
@Produces(MediaType.APPLICATION_JSON)
public class SagaResource {

    /** Longest accepted Idempotency-Key. */
    static final int MAX_KEY_LENGTH = 200;

    private final SagaStore store;
    private final ObjectMapper json;
    private final EventCodec codec;

    public SagaResource(SagaStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
        this.codec = new EventCodec(json);
    }

    /** Body of {@code POST /api/sagas}. */
    public record StartRequest(String flow, JsonNode input) {
    }

    /** One event of a saga's history. */
    public record EventView(long seq, String type, String at, JsonNode data) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a saga on the newest version of a flow",
            description = "201 with the new saga; with an Idempotency-Key already used for the same flow and input, "
                    + "200 with that saga; with one used for another body, 409.")
    public Uni<Response> start(StartRequest request,
                               @Parameter(description = "makes the start idempotent; kept as long as the saga")
                               @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (request == null || request.flow() == null || request.flow().isBlank()) {
            throw Problem.badRequest("invalid-request", "body must be {\"flow\": \"<name>\", \"input\": {...}}; 'flow' is missing");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            throw Problem.badRequest("invalid-idempotency-key",
                    "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        JsonNode input = request.input() == null ? json.createObjectNode() : request.input();
        return store.start(request.flow(), input, Optional.ofNullable(idempotencyKey)).chain(result -> {
            if (result instanceof SagaStore.StartResult.KeyReused reused) {
                return Uni.createFrom().failure(new Problem(409, "idempotency-key-reused", "Idempotency-Key reused",
                        "Idempotency-Key '" + idempotencyKey + "' was used for another request body",
                        Map.of("sagaId", reused.sagaId().toString())));
            }
            int status = result instanceof SagaStore.StartResult.Started ? 201 : 200;
            return view(result.sagaId()).map(v -> Response.status(status)
                    .header("Location", "/api/sagas/" + v.id()).entity(v).build());
        });
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A saga with its steps")
    public Uni<SagaView> get(@PathParam("id") String id) {
        return view(parseId(id));
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "The saga's event history, in order")
    public Uni<List<EventView>> events(@PathParam("id") String id) {
        UUID sagaId = parseId(id);
        return store.events(sagaId).map(events -> {
            if (events.isEmpty()) {
                throw unknown(sagaId);
            }
            return events.stream().map(this::eventView).toList();
        });
    }

    private EventView eventView(RecordedEvent e) {
        return new EventView(e.seq(), e.event().type(), e.recordedAt().toString(), codec.toTree(e.event()));
    }

    private Uni<SagaView> view(UUID id) {
        return Panache.withSession(() -> SagaRecord.<SagaRecord>findById(id)).map(r -> {
            if (r == null) {
                throw unknown(id);
            }
            return new SagaView(r.id, r.flow, r.flowVersion, r.status, parse(r.input), parse(r.output), r.error,
                    parse(r.steps), r.createdAt, r.updatedAt);
        });
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("unknown-saga", "no saga " + id + " (saga ids are UUIDs)");
        }
    }

    private static Problem unknown(UUID id) {
        return Problem.notFound("unknown-saga", "no saga " + id);
    }
}
