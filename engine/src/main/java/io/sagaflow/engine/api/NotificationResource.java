package io.sagaflow.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.notification.Notification;
import io.sagaflow.engine.notification.NotificationStatus;
import io.sagaflow.engine.notification.NotificationStore;
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
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Best-effort notifications (SPEC §3.3): send, query back, resend, list. */
@Path("/api/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private static final Set<String> FIELDS = Set.of("flow", "payload");
    private static final String BODY_SHAPE = "body must be {\"flow\": \"<name>\", \"payload\": <any JSON>}";

    private final NotificationStore store;
    private final ObjectMapper json;

    public NotificationResource(NotificationStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a notification on the newest version of a Notification flow",
            description = "201 with the new notification (PENDING, first attempt due now); with an Idempotency-Key "
                    + "already used for the same flow and payload, 200 with that notification; for another body, 409.")
    public Uni<Response> create(String body,
                                @Parameter(description = "makes the send idempotent; kept as long as the notification")
                                @HeaderParam("Idempotency-Key") String idempotencyKey) {
        JsonNode request = parseBody(body);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > SagaResource.MAX_KEY_LENGTH)) {
            throw Problem.badRequest("invalid-idempotency-key",
                    "Idempotency-Key must be 1 to " + SagaResource.MAX_KEY_LENGTH + " characters");
        }
        String flow = request.get("flow").asText();
        return store.create(flow, request.get("payload"), Optional.ofNullable(idempotencyKey)).chain(created -> {
            if (created instanceof NotificationStore.Created.KeyReused reused) {
                return Uni.createFrom().failure(new Problem(409, "idempotency-key-reused", "Idempotency-Key reused",
                        "Idempotency-Key '" + idempotencyKey + "' was used for another request body",
                        Map.of("notificationId", reused.id().toString())));
            }
            int status = created instanceof NotificationStore.Created.New ? 201 : 200;
            return view(created.id()).map(n -> Response.status(status)
                    .header("Location", "/api/notifications/" + n.id()).entity(n).build());
        });
    }

    /** Checks the body whole before anything is stored: an object with a non-blank flow, a payload, nothing else. */
    private JsonNode parseBody(String body) {
        JsonNode request;
        try {
            request = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("invalid-request", BODY_SHAPE + "; it is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw Problem.badRequest("invalid-request", BODY_SHAPE);
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw Problem.badRequest("invalid-request", BODY_SHAPE + "; unknown member '" + name + "'");
            }
        }
        JsonNode flow = request.get("flow");
        if (flow == null || !flow.isTextual() || flow.asText().isBlank()) {
            throw Problem.badRequest("invalid-request", BODY_SHAPE + "; 'flow' must be a non-blank string");
        }
        JsonNode payload = request.get("payload");
        if (payload == null || payload.isNull()) {
            throw Problem.badRequest("invalid-request", BODY_SHAPE + "; 'payload' is missing");
        }
        return request;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A notification with every attempt (the receiver's query-back)")
    public Uni<Notification> get(@PathParam("id") String id) {
        return view(parseId(id));
    }

    @POST
    @Path("/{id}/resend")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Resend a DELIVERED or GAVE_UP notification with a fresh schedule",
            description = "The first attempt of the new schedule is due now; attempt numbers go on from the last. "
                    + "An OPEN dead letter of the notification is resolved. 409 while it is PENDING.")
    public Uni<Notification> resend(@PathParam("id") String id) {
        UUID notificationId = parseId(id);
        return store.resend(notificationId, true).chain(() -> view(notificationId));
    }

    @GET
    @Operation(summary = "Notifications, newest first, with filters and cursor paging",
            description = "Pass the 'next' cursor of a page as 'after' to get the following page.")
    public Uni<NotificationPage> list(@QueryParam("status") String status, @QueryParam("flow") String flow,
                                      @QueryParam("limit") @DefaultValue("50") int limit,
                                      @QueryParam("after") String after) {
        PageCursor.checkLimit(limit);
        Optional<NotificationStatus> wanted = Optional.ofNullable(status).map(s -> Arrays.stream(NotificationStatus.values())
                .filter(v -> v.name().equals(s)).findFirst()
                .orElseThrow(() -> Problem.badRequest("invalid-status", "status must be one of "
                        + Arrays.toString(NotificationStatus.values()) + ", was " + s)));
        Optional<PageCursor> cursor = PageCursor.fromQuery(after);
        // One more than asked tells whether a next page exists.
        return store.list(wanted, Optional.ofNullable(flow), cursor, limit + 1).map(found -> {
            boolean more = found.size() > limit;
            List<Notification> page = more ? found.subList(0, limit) : found;
            String next = more ? new PageCursor(page.get(limit - 1).createdAt(), page.get(limit - 1).id()).encode() : null;
            return new NotificationPage(page, next);
        });
    }

    /** One page of notifications; {@code next} is the cursor of the following page, null on the last. */
    public record NotificationPage(List<Notification> items, String next) {
    }

    private Uni<Notification> view(UUID id) {
        return store.get(id).map(n -> n.orElseThrow(() -> unknown(id)));
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("unknown-notification", "no notification " + id + " (notification ids are UUIDs)");
        }
    }

    private static Problem unknown(UUID id) {
        return Problem.notFound("unknown-notification", "no notification " + id);
    }
}
