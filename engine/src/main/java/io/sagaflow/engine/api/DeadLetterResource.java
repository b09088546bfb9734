package io.sagaflow.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStatus;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.deadletter.DeadLetters;
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
import java.util.Arrays;
import java.util.List;
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

    public DeadLetterResource(DeadLetterStore store, DeadLetters deadLetters, ObjectMapper json) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.json = json;
    }

    /** A page of dead letters; pass {@code next} as {@code after} for the following page. */
    public record Page(List<DeadLetter> items, String next) {
    }

    @GET
    @Operation(summary = "Dead letters, newest first, with filters and cursor paging")
    public Uni<Page> list(@QueryParam("source") String source, @QueryParam("status") String status,
                          @QueryParam("flow") String flow, @QueryParam("reason") String reason,
                          @QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("after") String after) {
        PageCursor.checkLimit(limit);
        Optional<PageCursor> cursor = PageCursor.fromQuery(after);
        return store.list(filter(source, status, flow, reason), cursor, limit + 1).map(letters -> {
            boolean more = letters.size() > limit;
            List<DeadLetter> page = more ? letters.subList(0, limit) : letters;
            String next = more ? new PageCursor(page.get(limit - 1).createdAt(), page.get(limit - 1).id()).encode() : null;
            return new Page(page, next);
        });
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
        return deadLetters.redrive(parseId(id), Optional.ofNullable(idempotencyKey), request(body));
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
            throw Problem.badRequest("filter-required", "a bulk redrive needs at least one of source, flow, reason");
        }
        return deadLetters.redriveAll(filter(source, null, flow, reason), confirm, Optional.ofNullable(idempotencyKey),
                request(body));
    }

    private ObjectNode request(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        throw Problem.badRequest("invalid-request", "the body must be a JSON object (e.g. {\"decision\": \"commit\"}) or empty");
    }

    private static DeadLetterStore.Filter filter(String source, String status, String flow, String reason) {
        return new DeadLetterStore.Filter(Optional.ofNullable(source).map(s -> parse(DeadLetterSource.class, "source", s)),
                Optional.ofNullable(status).map(s -> parse(DeadLetterStatus.class, "status", s)),
                Optional.ofNullable(flow), Optional.ofNullable(reason));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String name, String value) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("invalid-" + name, name + " must be one of "
                    + Arrays.toString(type.getEnumConstants()) + ", was " + value);
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("unknown-dead-letter", "no dead letter " + id + " (dead letter ids are UUIDs)");
        }
    }

    private static Problem unknown(UUID id) {
        return Problem.notFound("unknown-dead-letter", "no dead letter " + id);
    }
}
