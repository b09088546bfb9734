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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.DefaultValue;
import io.sagaflow.engine.saga.SagaInput;
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

    /** Optional body of operator actions: {@code {"reason": "..."}}, recorded with the action. */
    public record OperatorRequest(String reason) {
    }

    /** The reason of an operator action; the body is optional (no body, no content type). */
    private String reasonOf(String body) {
        if (body == null || body.isBlank()) {
            return "no reason given";
        }
        try {
            OperatorRequest request = json.readValue(body, OperatorRequest.class);
            return request.reason() == null || request.reason().isBlank() ? "no reason given" : request.reason();
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("invalid-request", "the body must be {\"reason\": \"...\"} or empty");
        }
    }

    @POST
    @Path("/{id}/abort")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Compensate a RUNNING saga now", description = "409 when the saga is not RUNNING (or is confirming).")
    public Uni<SagaView> abort(@PathParam("id") String id, String body) {
        String reason = reasonOf(body);
        return operate(parseId(id), now -> new SagaInput.Abort(reason, now));
    }

    @POST
    @Path("/{id}/retry")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Run the failed compensations, cancels or confirms of a FAILED saga again",
            description = "Each re-run uses the Idempotency-Key suffix :n (n = 2, 3, ...). 409 when the saga is not FAILED.")
    public Uni<SagaView> retry(@PathParam("id") String id, String body) {
        String reason = reasonOf(body);
        return operate(parseId(id), now -> new SagaInput.Retry(reason, now));
    }

    @POST
    @Path("/{id}/steps/{step}/skip")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Give up on a failed compensation, cancel or confirm of one step and go on",
            description = "409 when the saga is not FAILED or the step has nothing failed to skip.")
    public Uni<SagaView> skip(@PathParam("id") String id, @PathParam("step") String step, String body) {
        String reason = reasonOf(body);
        return operate(parseId(id), now -> new SagaInput.Skip(step, reason, now));
    }

    private Uni<SagaView> operate(UUID sagaId, java.util.function.Function<java.time.Instant, SagaInput> input) {
        return store.apply(sagaId, input).chain(applied -> {
            if (applied.state().isEmpty()) {
                return Uni.createFrom().failure(unknown(sagaId));
            }
            if (applied.decision().events().isEmpty() && applied.decision().rejection().isPresent()) {
                return Uni.createFrom().failure(Problem.conflict("operator-action-refused", "Operator action refused",
                        applied.decision().rejection().get()));
            }
            return view(sagaId);
        });
    }

    @GET
    @Operation(summary = "Sagas, newest first, with filters and cursor paging",
            description = "Pass the 'next' cursor of a page as 'after' to get the following page.")
    public Uni<SagaPage> list(@QueryParam("status") String status, @QueryParam("flow") String flow,
                              @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("after") String after) {
        PageCursor.checkLimit(limit);
        if (status != null && java.util.Arrays.stream(io.sagaflow.engine.saga.SagaStatus.values())
                .noneMatch(v -> v.name().equals(status))) {
            throw Problem.badRequest("invalid-status", "status must be one of "
                    + java.util.Arrays.toString(io.sagaflow.engine.saga.SagaStatus.values()) + ", was " + status);
        }
        PageCursor cursor = PageCursor.fromQuery(after).orElse(null);
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new java.util.HashMap<>();
        if (status != null) {
            where.append(" and status = :status");
            params.put("status", status);
        }
        if (flow != null) {
            where.append(" and flow = :flow");
            params.put("flow", flow);
        }
        if (cursor != null) {
            where.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.put("at", java.time.OffsetDateTime.ofInstant(cursor.createdAt(), java.time.ZoneOffset.UTC));
            params.put("id", cursor.id());
        }
        String query = where + " order by createdAt desc, id desc";
        return Panache.withSession(() -> SagaRecord.<SagaRecord>find(query, params).page(0, limit + 1).list())
                .map(records -> {
                    boolean more = records.size() > limit;
                    List<SagaRecord> page = more ? records.subList(0, limit) : records;
                    String next = more ? new PageCursor(page.get(limit - 1).createdAt.toInstant(), page.get(limit - 1).id).encode() : null;
                    return new SagaPage(page.stream().map(this::toView).toList(), next);
                });
    }

    /** One page of sagas; {@code next} is the cursor of the following page, null on the last. */
    public record SagaPage(List<SagaView> items, String next) {
    }

    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: each event of the saga as it is recorded",
            description = "Starts with the events recorded so far; ends after the saga COMPLETED or COMPENSATED.")
    public io.smallrye.mutiny.Multi<EventView> stream(@PathParam("id") String id) {
        UUID sagaId = parseId(id);
        long[] lastSeq = {0};
        boolean[] ended = {false};
        return io.smallrye.mutiny.Multi.createFrom().ticks().startingAfter(java.time.Duration.ofMillis(1))
                .every(java.time.Duration.ofMillis(200))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> store.events(sagaId).map(events -> {
                    if (tick == 0 && events.isEmpty()) {
                        throw unknown(sagaId);
                    }
                    List<EventView> fresh = events.stream().filter(e -> e.seq() > lastSeq[0]).map(this::eventView).toList();
                    events.stream().mapToLong(RecordedEvent::seq).max().ifPresent(max -> lastSeq[0] = max);
                    return fresh;
                }))
                // Ends on the tick after the one that carried the saga's end, so the end is always sent.
                .select().first(batch -> {
                    boolean endedBefore = ended[0];
                    ended[0] = ended[0] || batch.stream().anyMatch(e -> e.type().equals("SagaCompleted")
                            || e.type().equals("SagaCompensated"));
                    return !endedBefore;
                })
                .onItem().disjoint();
    }

    private EventView eventView(RecordedEvent e) {
        return new EventView(e.seq(), e.event().type(), e.recordedAt().toString(), codec.toTree(e.event()));
    }

    private Uni<SagaView> view(UUID id) {
        return Panache.withSession(() -> SagaRecord.<SagaRecord>findById(id)).map(r -> {
            if (r == null) {
                throw unknown(id);
            }
            return toView(r);
        });
    }

    private SagaView toView(SagaRecord r) {
        return new SagaView(r.id, r.flow, r.flowVersion, r.status, parse(r.input), parse(r.output), r.error,
                parse(r.steps), r.createdAt, r.updatedAt);
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
