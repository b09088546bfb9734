package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.message.Actor;
import io.sagaflow.engine.message.MessageDecision;
import io.sagaflow.engine.message.MessageInput;
import io.sagaflow.engine.message.MessageStatus;
import io.sagaflow.engine.message.MessageStore;
import io.sagaflow.engine.message.MessageView;
import io.sagaflow.engine.internal.IdempotencyKey;
import io.sagaflow.engine.internal.IdempotentCreate.Creation;
import io.sagaflow.engine.internal.Page;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Reliable two-phase messages over HTTP (SPEC §3.2, §4; docs/messages.md). */
@Path("/api/messages")
@Produces(MediaType.APPLICATION_JSON)
public class MessageResource {

    private static final String PREPARE_SHAPE = "{\"flow\": \"<name>\", \"key\": \"<record key>\", \"payload\": {...}}";
    private static final String REPORT_SHAPE = "{\"consumer\": \"<group>\", \"reason\": \"<code>\", \"attempts\": n, "
            + "\"detail\": \"...\"}";

    private final MessageStore store;
    private final DeadLetterStore deadLetters;
    private final ObjectMapper json;
    private final io.sagaflow.engine.security.CurrentCaller caller;

    public MessageResource(MessageStore store, DeadLetterStore deadLetters, ObjectMapper json,
                           io.sagaflow.engine.security.CurrentCaller caller) {
        this.caller = caller;
        this.store = store;
        this.deadLetters = deadLetters;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Prepare a message on the newest version of a Message flow",
            description = "201 with the PREPARED message. With an Idempotency-Key already used for the same flow, key "
                    + "and payload: 200 with that message; used for another body: 409.")
    public Uni<Response> prepare(String body, @Parameter(description = "makes the prepare idempotent; kept as long as "
            + "the message") @HeaderParam("Idempotency-Key") String idempotencyKey) {
        JsonNode request = object(body, PREPARE_SHAPE);
        String flow = text(request, "flow", PREPARE_SHAPE);
        Starters.requireMayStart(caller.get(), flow);
        String key = text(request, "key", PREPARE_SHAPE);
        JsonNode payload = request.get("payload");
        if (payload == null || payload.isNull()) {
            throw new DomainFailure.Invalid("invalid-request", "body must be " + PREPARE_SHAPE + "; 'payload' is missing");
        }
        return store.prepare(flow, key, payload, IdempotencyKey.fromHeader(idempotencyKey)).chain(result -> {
            int status = result instanceof Creation.Created ? 201 : 200;
            return view(result.id()).map(v -> Response.status(status)
                    .header("Location", "/api/messages/" + v.id()).entity(v).build());
        });
    }

    @POST
    @Path("/{id}/commit")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Commit a PREPARED (or UNDECIDED) message: it is published to the flow's topic",
            description = "Idempotent: committing a committed message answers 200 and changes nothing. 409 after a rollback.")
    public Uni<MessageView> commit(@PathParam("id") String id) {
        return decide(parseId(id), new MessageInput.Commit(Actor.PRODUCER, Optional.of(caller.get().name())));
    }

    @POST
    @Path("/{id}/rollback")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Roll a PREPARED (or UNDECIDED) message back: it is never published",
            description = "Idempotent: rolling back a rolled-back message answers 200. 409 after a commit.")
    public Uni<MessageView> rollback(@PathParam("id") String id) {
        return decide(parseId(id), new MessageInput.Rollback(Actor.PRODUCER, Optional.of(caller.get().name())));
    }

    private Uni<MessageView> decide(UUID id, MessageInput input) {
        return store.act(id, input).chain(decision -> {
            if (decision.isEmpty()) {
                return Uni.createFrom().failure(unknown(id));
            }
            if (decision.get().verdict() instanceof MessageDecision.Verdict.Refused refused) {
                return Uni.createFrom().failure(new DomainFailure.Conflict("message-decided", "Message already decided",
                        refused.reason(), Map.of("messageId", id.toString())));
            }
            return view(id);
        });
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A message with its event history")
    public Uni<MessageView> get(@PathParam("id") String id) {
        return view(parseId(id));
    }

    @GET
    @Operation(summary = "Messages, newest first, with filters and cursor paging",
            description = "Items come without their event history. Pass the 'next' cursor of a page as 'after'.")
    public Uni<Page<MessageView>> list(@QueryParam("status") String status, @QueryParam("flow") String flow,
                          @QueryParam("limit") String limit, @QueryParam("after") String after) {
        PageRequest page = PageRequest.of(StorableText.require("after", after), QueryValues.intValue("limit", limit, 50));
        Optional<MessageStatus> wanted = QueryValues.enumValue("status", MessageStatus.class, status);
        return store.list(new MessageStore.Filter(wanted, Optional.ofNullable(StorableText.require("flow", flow))), page);
    }

    @POST
    @Path("/{id}/dead-letter")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "A consumer reports a message it could not process within its delivery retries",
            description = "Records a MESSAGE_DELIVERY dead letter (origin {id}:{consumer}); 201 with the letter, 200 "
                    + "with the letter already open for that consumer. Redriving it publishes the message again. "
                    + "409 when the message was never published.")
    public Uni<Response> deadLetter(@PathParam("id") String id, String body) {
        UUID messageId = parseId(id);
        JsonNode request = object(body, REPORT_SHAPE);
        String consumer = text(request, "consumer", REPORT_SHAPE);
        String reason = text(request, "reason", REPORT_SHAPE);
        JsonNode attemptsNode = request.path("attempts");
        if (!attemptsNode.isMissingNode() && (!attemptsNode.canConvertToInt() || !attemptsNode.isIntegralNumber()
                || attemptsNode.asInt() < 0)) {
            throw new DomainFailure.Invalid("invalid-request", "'attempts' must be an integer >= 0, was " + attemptsNode);
        }
        String detail = request.path("detail").isTextual() ? request.path("detail").asText() : "";
        MessageInput.DeliveryFailure failure = new MessageInput.DeliveryFailure(consumer, reason,
                attemptsNode.asInt(0), detail);
        return store.reportDeliveryFailure(messageId, failure).chain(report -> {
            if (report instanceof MessageStore.DeliveryReport.Unknown) {
                return Uni.createFrom().failure(unknown(messageId));
            }
            if (report instanceof MessageStore.DeliveryReport.Refused refused) {
                return Uni.createFrom().failure(new DomainFailure.Conflict("message-not-published", "Message not published",
                        refused.reason()));
            }
            MessageStore.DeliveryReport.Recorded recorded = (MessageStore.DeliveryReport.Recorded) report;
            return deadLetters.get(recorded.letterId()).map(letter -> Response.status(recorded.created() ? 201 : 200)
                    .header("Location", "/api/dead-letters/" + recorded.letterId())
                    .entity(letter.orElseThrow()).build());
        });
    }

    private Uni<MessageView> view(UUID id) {
        return store.get(id).map(v -> v.orElseThrow(() -> unknown(id)));
    }

    private JsonNode object(String body, String shape) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            if (node != null && node.isObject()) {
                return StorableText.require("body", node);
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        throw new DomainFailure.Invalid("invalid-request", "body must be a JSON object " + shape);
    }

    private static String text(JsonNode request, String field, String shape) {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new DomainFailure.Invalid("invalid-request", "body must be " + shape + "; '" + field
                    + "' must be a non-empty string");
        }
        return value.asText();
    }

    private static UUID parseId(String id) {
        return QueryValues.id("message", id);
    }

    private static DomainFailure unknown(UUID id) {
        return QueryValues.unknown("message", id);
    }
}
