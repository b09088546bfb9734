package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** What a participant answers to one command: the three outcomes of SPEC §5. */
public sealed interface Outcome permits Outcome.Success, Outcome.Failure, Outcome.Retry {

    /** The value of {@code sagaflow-outcome} on the reply. */
    String wire();

    /** The reply body: the output, or {@code {code, message}}. */
    JsonNode body();

    /** The business method succeeded; {@code output} becomes the step's output. */
    record Success(JsonNode output) implements Outcome {
        /** A null output is JSON null. */
        public Success {
            output = output == null ? JsonNodeFactory.instance.nullNode() : output;
        }

        @Override
        public String wire() {
            return "SUCCESS";
        }

        @Override
        public JsonNode body() {
            return output;
        }
    }

    /** A business failure: final, the engine does not retry it. */
    record Failure(String code, String message) implements Outcome {
        /** Code and message are required; the code is what programs match on. */
        public Failure {
            Objects.requireNonNull(code, "code must not be null");
            message = message == null ? "" : message;
        }

        @Override
        public String wire() {
            return "FAILURE";
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
    record Retry(String reason) implements Outcome {
        /** The reason is for people reading the saga's history. */
        public Retry {
            reason = reason == null ? "" : reason;
        }

        @Override
        public String wire() {
            return "RETRY";
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
