package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.notification.Notification;
import io.sagaflow.engine.notification.NotificationStatus;
import io.sagaflow.engine.notification.NotificationStore;
import io.sagaflow.engine.internal.IdempotencyKey;
import io.sagaflow.engine.internal.IdempotentCreate.Creation;
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
import jakarta.ws.rs.core.Response;
import java.util.Iterator;
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

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(NotificationResource.class);

    private final NotificationStore store;
    private final ObjectMapper json;
    private final io.sagaflow.engine.security.CurrentCaller caller;

    public NotificationResource(NotificationStore store, ObjectMapper json, io.sagaflow.engine.security.CurrentCaller caller) {
        this.caller = caller;
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
        String flow = request.get("flow").asText();
        Starters.requireMayStart(caller.get(), flow);
        return store.create(flow, request.get("payload"), IdempotencyKey.fromHeader(idempotencyKey)).chain(created -> {
            int status = created instanceof Creation.Created ? 201 : 200;
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
            throw new DomainFailure.Invalid("invalid-request", BODY_SHAPE + "; it is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new DomainFailure.Invalid("invalid-request", BODY_SHAPE);
        }
        StorableText.require("body", request);
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new DomainFailure.Invalid("invalid-request", BODY_SHAPE + "; unknown member '" + name + "'");
            }
        }
        JsonNode flow = request.get("flow");
        if (flow == null || !flow.isTextual() || flow.asText().isBlank()) {
            throw new DomainFailure.Invalid("invalid-request", BODY_SHAPE + "; 'flow' must be a non-blank string");
        }
        JsonNode payload = request.get("payload");
        if (payload == null || payload.isNull()) {
            throw new DomainFailure.Invalid("invalid-request", BODY_SHAPE + "; 'payload' is missing");
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
        String by = caller.get().name();
        return store.resend(notificationId, true, by).invoke(() -> LOG.infof("audit: %s resent notification %s", by, notificationId))
                .chain(() -> view(notificationId));
    }

    @GET
    @Operation(summary = "Notifications, newest first, with filters and cursor paging",
            description = "Pass the 'next' cursor of a page as 'after' to get the following page.")
    public Uni<Page<Notification>> list(@QueryParam("status") String status, @QueryParam("flow") String flow,
                                      @QueryParam("limit") String limit,
                                      @QueryParam("after") String after) {
        PageRequest page = PageRequest.of(StorableText.require("after", after), QueryValues.intValue("limit", limit, 50));
        Optional<NotificationStatus> wanted = QueryValues.enumValue("status", NotificationStatus.class, status);
        return store.list(wanted, Optional.ofNullable(StorableText.require("flow", flow)), page);
    }

    private Uni<Notification> view(UUID id) {
        return store.get(id).map(n -> n.orElseThrow(() -> unknown(id)));
    }

    private static UUID parseId(String id) {
        return QueryValues.id("notification", id);
    }

    private static DomainFailure unknown(UUID id) {
        return QueryValues.unknown("notification", id);
    }
}
