package io.sagaflow.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
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
    private final io.sagaflow.engine.live.ChangeFeed changes;
    private final io.sagaflow.engine.security.CurrentCaller caller;

    public SagaResource(SagaStore store, SagaViews views, ObjectMapper json, io.sagaflow.engine.live.ChangeFeed changes,
                        io.sagaflow.engine.security.CurrentCaller caller) {
        this.caller = caller;
        this.store = store;
        this.views = views;
        this.json = json;
        this.codec = new EventCodec(json);
        this.changes = changes;
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
        StorableText.require("flow", request.flow());
        Starters.requireMayStart(caller.get(), request.flow());
        JsonNode input = StorableText.require("input", request.input() == null ? json.createObjectNode() : request.input());
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

    /** Optional body of operator actions: {@code {"reason": "..."}}, recorded with the action (read by hand: registered). */
    @RegisterForReflection
    public record OperatorRequest(String reason) {
    }

    /** The reason of an operator action; the body is optional (no body, no content type). */
    private String reasonOf(String body) {
        if (body == null || body.isBlank()) {
            return "no reason given";
        }
        try {
            OperatorRequest request = json.readValue(body, OperatorRequest.class);
            if (request == null) {   // the JSON literal null
                throw new DomainFailure.Invalid("invalid-request", "the body must be {\"reason\": \"...\"} or empty, was null");
            }
            StorableText.require("reason", request.reason());
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
        String by = caller.get().name();
        return operate(parseId(id), now -> new SagaInput.Abort(reason, by, now));
    }

    @POST
    @Path("/{id}/retry")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Run the failed compensations, cancels or confirms of a FAILED saga again",
            description = "Each re-run uses the Idempotency-Key suffix :n (n = 2, 3, ...). 409 when the saga is not FAILED.")
    public Uni<SagaView> retry(@PathParam("id") String id, String body) {
        String reason = reasonOf(body);
        String by = caller.get().name();
        return operate(parseId(id), now -> new SagaInput.Retry(reason, by, now));
    }

    @POST
    @Path("/{id}/steps/{step}/skip")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Give up on a failed compensation, cancel or confirm of one step and go on",
            description = "409 when the saga is not FAILED or the step has nothing failed to skip.")
    public Uni<SagaView> skip(@PathParam("id") String id, @PathParam("step") String step, String body) {
        String reason = reasonOf(body);
        StorableText.require("step", step);
        String by = caller.get().name();
        return operate(parseId(id), now -> new SagaInput.Skip(step, reason, by, now));
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
            description = "Pass the 'next' cursor of a page as 'after' to get the following page. 'q' is a saga id, an "
                    + "Idempotency-Key, or key=value in the input (a.b=value for nested keys; a number, true, false or "
                    + "null also matches the same text as a string; quote the value to match only the string); each "
                    + "form is answered by an index. 'from' (inclusive) and 'to' (exclusive) bound the creation time.")
    public Uni<Page<SagaView>> list(@QueryParam("status") String status, @QueryParam("flow") String flow,
                                    @QueryParam("flowVersion") String flowVersion,
                                    @QueryParam("from") String from, @QueryParam("to") String to,
                                    @QueryParam("q") String q,
                                    @QueryParam("limit") String limit, @QueryParam("after") String after) {
        PageRequest page = PageRequest.of(StorableText.require("after", after), QueryValues.intValue("limit", limit, 50));
        Optional<SagaStatus> wanted = QueryValues.enumValue("status", SagaStatus.class, status);
        Optional<io.sagaflow.engine.saga.SagaSearch> search = Optional.ofNullable(StorableText.require("q", q))
                .filter(text -> !text.isBlank()).map(io.sagaflow.engine.saga.SagaSearch::parse);
        return views.list(new SagaViews.Filter(wanted, Optional.ofNullable(StorableText.require("flow", flow))
                .filter(f -> !f.isBlank()), QueryValues.optionalInt("flowVersion", flowVersion),
                QueryValues.instantValue("from", from), QueryValues.instantValue("to", to), search), page);
    }

    /** An event an action would record. */
    public record EventPreview(String type, JsonNode data) {
    }

    /** A command an action would send now. */
    public record CommandPreview(String step, String kind, String command, String participant, int attempt) {
    }

    /**
     * What an operator action would do now, decided by the engine's own rules on the saga's current state; nothing
     * is written. {@code allowed} false with the {@code refusal} the action would get (409).
     */
    public record ActionPreview(String action, boolean allowed, String refusal, String statusNow, String statusAfter,
                                List<EventPreview> events, List<CommandPreview> commands) {
    }

    @GET
    @Path("/{id}/preview")
    @Operation(summary = "What abort, retry or skip would do now (events, commands such as compensations), without doing it",
            description = "action=abort|retry|skip; skip needs step. 400 for another action; 404 for an unknown saga.")
    public Uni<ActionPreview> preview(@PathParam("id") String id, @QueryParam("action") String action,
                                      @QueryParam("step") String step) {
        UUID sagaId = parseId(id);
        String reason = "preview";
        java.util.function.Function<java.time.Instant, SagaInput> input;
        if ("abort".equals(action)) {
            input = now -> new SagaInput.Abort(reason, now);
        } else if ("retry".equals(action)) {
            input = now -> new SagaInput.Retry(reason, now);
        } else if ("skip".equals(action) && step != null && !step.isBlank()) {
            StorableText.require("step", step);
            input = now -> new SagaInput.Skip(step, reason, now);
        } else {
            throw new DomainFailure.Invalid("invalid-action", "action must be abort, retry or skip (skip with step=<name>), was "
                    + (action == null ? "missing" : "'" + action + "'"));
        }
        return store.preview(sagaId, input).map(p -> {
            io.sagaflow.engine.saga.SagaState before = p.state().orElseThrow(() -> unknown(sagaId));
            var d = p.decision();
            boolean allowed = !d.events().isEmpty() || d.rejection().isEmpty();
            io.sagaflow.engine.saga.SagaState after = before;
            for (var e : d.events()) {
                after = after.apply(e);
            }
            return new ActionPreview(action, allowed, allowed ? null : d.rejection().orElse(null), before.status().name(),
                    after.status().name(),
                    d.events().stream().map(e -> new EventPreview(e.type(), codec.toTree(e))).toList(),
                    d.commands().stream().map(c -> new CommandPreview(c.step(), c.kind().name(), c.command(),
                            c.participant(), c.attempt())).toList());
        });
    }

    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: each event of the saga as it is recorded",
            description = "Starts with the events recorded so far; ends after the saga COMPLETED or COMPENSATED.")
    @io.smallrye.common.annotation.Blocking   // the saga is looked up before the stream's 200 is committed
    public io.smallrye.mutiny.Multi<EventView> stream(@PathParam("id") String id) {
        UUID sagaId = parseId(id);
        view(sagaId).await().atMost(java.time.Duration.ofSeconds(10));   // an unknown saga: 404, not an empty 200
        long[] lastSeq = {0};
        boolean[] ended = {false};
        // Read when this node's change feed announces the saga (and now and then): no polling per open page.
        return changes.<EventView>follow(sagaId, emit -> store.events(sagaId).map(events -> {
            if (ended[0]) {
                return true;
            }
            for (RecordedEvent e : events) {
                if (e.seq() > lastSeq[0]) {
                    emit.accept(eventView(e));
                    lastSeq[0] = e.seq();
                    ended[0] = ended[0] || e.event().type().equals("SagaCompleted") || e.event().type().equals("SagaCompensated");
                }
            }
            return ended[0];
        }));
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
