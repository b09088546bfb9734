package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.participant.internal.BarrierRules;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.HttpHeader;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An HTTP participant (SPEC §5), free of any web framework: give it the command from the path, the request
 * headers and the body; it answers 200 with the output, 409 with {@code {code, message}} for a business failure,
 * 503 for a retry and 400 for a request that is not a Sagaflow command. Mount it in any server (Quarkus route,
 * servlet) or use {@link HttpParticipantServer}.
 */
public final class HttpParticipantHandler {

    /** Status of a success. */
    public static final int OK = 200;
    /** Status of a request that is not a Sagaflow command; the engine retries it like any other non-409/422. */
    public static final int BAD_REQUEST = 400;
    /** Status of a business failure: the engine does not retry it. */
    public static final int CONFLICT = 409;
    /** Status of a retry. */
    public static final int UNAVAILABLE = 503;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An HTTP answer.
     *
     * @param status      the HTTP status
     * @param contentType the body's media type
     * @param body        the body
     */
    public record Response(int status, String contentType, byte[] body) {
        /** The body as JSON (for tests and logs). */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException("body is not JSON", e);
            }
        }

        static Response json(int status, String contentType, JsonNode body) {
            try {
                return new Response(status, contentType, JSON.writeValueAsBytes(body));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final CommandHandler handler;

    /** An adapter over a participant. */
    public HttpParticipantHandler(CommandHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler must not be null");
    }

    /**
     * Answers {@code POST {url}/{command}}; header names are matched case-insensitively. The command's
     * {@code Sagaflow-Message-Id} (optional: callers other than the engine may send none) reaches the business
     * method as {@link CommandContext#messageId()}, as a Kafka command's {@code sagaflow-message-id} does. A
     * redelivered command (same message id, same Idempotency-Key) is answered by the barrier with the first outcome,
     * without running the business method again: the barrier keys on the Idempotency-Key, which every copy and
     * every attempt of one run share. Unlike a Kafka reply, the answer does not echo the message id: the engine's
     * HTTP connector holds the command it is answering and takes the id from there.
     */
    public CompletionStage<Response> handle(String command, Map<String, String> headers, byte[] body) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        CommandContext ctx;
        JsonNode input;
        try {
            CommandKind kind = CommandKind.fromWire(h.getOrDefault(HttpHeader.KIND, ""))
                    .orElseThrow(() -> new IllegalArgumentException(HttpHeader.KIND + " must be one of action, "
                            + "compensation, try, confirm, cancel, was '" + h.get(HttpHeader.KIND) + "'"));
            ctx = new CommandContext(h.getOrDefault(HttpHeader.SAGA_ID, ""), h.getOrDefault(HttpHeader.STEP, ""), kind,
                    command, h.getOrDefault(HttpHeader.MESSAGE_ID, ""), h.getOrDefault(HttpHeader.IDEMPOTENCY_KEY, ""));
            input = body == null || body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(problem(BAD_REQUEST, "not-a-sagaflow-command", e.getMessage()));
        }
        return handler.handle(ctx, input)
                .exceptionally(BarrierRules::fromException)
                .thenApply(HttpParticipantHandler::toResponse);
    }

    /** The HTTP answer of a handler's result. */
    public static Response toResponse(CommandResult result) {
        if (result instanceof CommandResult.Success success) {
            return Response.json(OK, "application/json", success.output());
        }
        if (result instanceof CommandResult.Failure failure) {
            return Response.json(CONFLICT, "application/json", failure.body());
        }
        return problem(UNAVAILABLE, "retry", ((CommandResult.Retry) result).reason());
    }

    static Response problem(int status, String code, String detail) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "urn:sagaflow:participant:" + code);
        body.put("title", code);
        body.put("status", status);
        body.put("detail", Optional.ofNullable(detail).orElse(""));
        return Response.json(status, "application/problem+json", body);
    }
}
