package io.sagaflow.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.saga.RecordedEvent;
import io.sagaflow.engine.saga.EventCodec;
import io.sagaflow.engine.saga.SagaStore;
import io.sagaflow.engine.saga.SagaStatus;
import io.sagaflow.engine.saga.SagaView;
import io.sagaflow.engine.saga.SagaViews;
import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.internal.Page;
import io.sagaflow.engine.internal.PageRequest;
import io.sagaflow.engine.internal.IdempotencyKey;
import io.sagaflow.engine.internal.IdempotentCreate.Creation;
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
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("/api/sagas")
@Produces(MediaType.APPLICATION_JSON)
public class SagaResource {


    private final SagaStore store;
    private final SagaViews views;
    private final ObjectMapper json;
    private final EventCodec codec;

    public SagaResource(SagaStore store, SagaViews views, ObjectMapper json) {
        this.store = store;
        this.views = views;
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
            throw new DomainFailure.Invalid("invalid-request", "body must be {\"flow\": \"<name>\", \"input\": {...}}; 'flow' is missing");
        }
        JsonNode input = request.input() == null ? json.createObjectNode() : request.input();
        return store.start(request.flow(), input, IdempotencyKey.fromHeader(idempotencyKey)).chain(result -> {
            int status = result instanceof Creation.Created ? 201 : 200;
            return view(result.id()).map(v -> Response.status(status)
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
            throw new DomainFailure.Invalid("invalid-request", "the body must be {\"reason\": \"...\"} or empty");
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
                return Uni.createFrom().failure(new DomainFailure.Conflict("operator-action-refused", "Operator action refused",
                        applied.decision().rejection().get()));
            }
            return view(sagaId);
        });
    }

    @GET
    @Operation(summary = "Sagas, newest first, with filters and cursor paging",
            description = "Pass the 'next' cursor of a page as 'after' to get the following page.")
    public Uni<Page<SagaView>> list(@QueryParam("status") String status, @QueryParam("flow") String flow,
                                    @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("after") String after) {
        PageRequest page = PageRequest.of(after, limit);
        Optional<SagaStatus> wanted = QueryValues.enumValue("status", SagaStatus.class, status);
        return views.list(new SagaViews.Filter(wanted, Optional.ofNullable(flow)), page);
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
        return views.get(id).map(v -> v.orElseThrow(() -> unknown(id)));
    }

    private static UUID parseId(String id) {
        return QueryValues.id("saga", id);
    }

    private static DomainFailure unknown(UUID id) {
        return QueryValues.unknown("saga", id);
    }
}
