package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStatus;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.deadletter.DeadLetters;
import io.sagaflow.engine.internal.Page;
import io.sagaflow.engine.internal.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The dead-letter store over HTTP (SPEC §4, docs/dead-letters.md). */
@Path("/api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetterStore store;
    private final DeadLetters deadLetters;
    private final ObjectMapper json;

    private final io.sagaflow.engine.security.CurrentCaller caller;

    public DeadLetterResource(DeadLetterStore store, DeadLetters deadLetters, ObjectMapper json,
                              io.sagaflow.engine.security.CurrentCaller caller) {
        this.caller = caller;
        this.store = store;
        this.deadLetters = deadLetters;
        this.json = json;
    }

    @GET
    @Operation(summary = "Dead letters, newest first, with filters and cursor paging")
    public Uni<Page<DeadLetter>> list(@QueryParam("source") String source, @QueryParam("status") String status,
                          @QueryParam("flow") String flow, @QueryParam("reason") String reason,
                          @QueryParam("limit") String limit, @QueryParam("after") String after) {
        PageRequest page = PageRequest.of(StorableText.require("after", after), QueryValues.intValue("limit", limit, 50));
        return store.list(filter(source, status, flow, reason), page);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One dead letter with its payload, headers and every redrive with its outcome")
    public Uni<DeadLetter> get(@PathParam("id") String id) {
        UUID letterId = parseId(id);
        return store.get(letterId).map(l -> l.orElseThrow(() -> unknown(letterId)));
    }

    @POST
    @Path("/{id}/redrive")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Hand a dead letter back to its source",
            description = "Idempotent: a letter already redriven is answered as it is. A saga is retried, a notification "
                    + "resent, a message delivered again, a reply applied again (optionally with an edited "
                    + "'payload' and 'headers'); an UNDECIDED message needs {\"decision\": \"commit\" | \"rollback\"}. "
                    + "409 when the letter was resolved otherwise.")
    public Uni<DeadLetter> redrive(@PathParam("id") String id, String body,
                                   @Parameter(description = "recorded with the redrive, for the audit")
                                   @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return deadLetters.redrive(parseId(id), Optional.ofNullable(idempotencyKey), audited(request(body)));
    }

    @POST
    @Path("/redrive")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Redrive every OPEN dead letter matching a filter",
            description = "Without confirm=true only answers how many letters match; with it, redrives each (in its own "
                    + "transaction) and lists the ones refused. A filter is required.")
    public Uni<DeadLetters.BulkResult> redriveAll(@QueryParam("source") String source, @QueryParam("flow") String flow,
                                                  @QueryParam("reason") String reason,
                                                  @QueryParam("confirm") @DefaultValue("false") boolean confirm,
                                                  String body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (source == null && flow == null && reason == null) {
            throw new DomainFailure.Invalid("filter-required", "a bulk redrive needs at least one of source, flow, reason");
        }
        return deadLetters.redriveAll(filter(source, null, flow, reason), confirm, Optional.ofNullable(idempotencyKey),
                audited(request(body)));
    }

    /** The redrive request as recorded in the audit, with who asked ({@code by}). */
    private ObjectNode audited(ObjectNode request) {
        return request.put("by", caller.get().name());
    }

    private ObjectNode request(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            if (node instanceof ObjectNode object) {
                StorableText.require("body", object);
                return object;
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        throw new DomainFailure.Invalid("invalid-request", "the body must be a JSON object (e.g. {\"decision\": \"commit\"}) or empty");
    }

    private static DeadLetterStore.Filter filter(String source, String status, String flow, String reason) {
        StorableText.require("flow", flow);
        StorableText.require("reason", reason);
        return new DeadLetterStore.Filter(QueryValues.enumValue("source", DeadLetterSource.class, source),
                QueryValues.enumValue("status", DeadLetterStatus.class, status),
                Optional.ofNullable(flow), Optional.ofNullable(reason));
    }

    private static UUID parseId(String id) {
        return QueryValues.id("dead-letter", id);
    }

    private static DomainFailure unknown(UUID id) {
        return QueryValues.unknown("dead-letter", id);
    }
}
