package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.wire.ReplyOutcome;
import java.util.Objects;

/**
 * What a handler answers to one command, body included: one of the three {@link ReplyOutcome}s of SPEC §5. The
 * transports turn it into a reply ({@link KafkaParticipantRunner}) or an HTTP answer ({@link HttpParticipantHandler}).
 */
public sealed interface CommandResult permits CommandResult.Success, CommandResult.Failure, CommandResult.Retry {

    /** The outcome on the reply (header {@code sagaflow-outcome}). */
    ReplyOutcome outcome();

    /** The reply body: the output, or {@code {code, message}}. */
    JsonNode body();

    /** The business method succeeded; {@code output} becomes the step's output. */
    record Success(JsonNode output) implements CommandResult {
        /** A null output is JSON null. */
        public Success {
            output = output == null ? JsonNodeFactory.instance.nullNode() : output;
        }

        @Override
        public ReplyOutcome outcome() {
            return ReplyOutcome.SUCCESS;
        }

        @Override
        public JsonNode body() {
            return output;
        }
    }

    /** A business failure: final, the engine does not retry it. */
    record Failure(String code, String message) implements CommandResult {
        /** Code and message are required; the code is what programs match on. */
        public Failure {
            Objects.requireNonNull(code, "code must not be null");
            message = message == null ? "" : message;
        }

        @Override
        public ReplyOutcome outcome() {
            return ReplyOutcome.FAILURE;
        }

        @Override
        public JsonNode body() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("code", code);
            body.put("message", message);
            return body;
        }
    }

    /** Not decided (a crash, a lost connection): nothing was kept, the engine tries again after its backoff. */
    record Retry(String reason) implements CommandResult {
        /** The reason is for people reading the saga's history. */
        public Retry {
            reason = reason == null ? "" : reason;
        }

        @Override
        public ReplyOutcome outcome() {
            return ReplyOutcome.RETRY;
        }

        @Override
        public JsonNode body() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("code", "retry");
            body.put("message", reason);
            return body;
        }
    }
}
