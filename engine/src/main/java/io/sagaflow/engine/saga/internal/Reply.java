package io.sagaflow.engine.saga.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.saga.SagaInput;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.KafkaHeader;
import io.sagaflow.wire.ReplyOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A participant's reply as read from the reply topic (SPEC §5): the {@code sagaflow-*} headers name the saga, the
 * message answered, the step, the command kind and the outcome; the value is the step output or {@code {code,
 * message}}. Reading is pure, so the reply consumer and the redrive of a dead-lettered reply read alike.
 */
record Reply(UUID sagaId, UUID messageId, String step, CommandKind kind, ReplyOutcome outcome, JsonNode body,
             java.time.Duration retryAfter) {

    /** The input of the saga's decider, at the time of the transaction that applies it. */
    SagaInput input(Instant now) {
        return new SagaInput.Reply(messageId, step, kind, outcome, body, retryAfter, now);
    }

    /**
     * Reads a reply from its headers and value; an empty value is JSON {@code null}.
     *
     * @throws IllegalArgumentException saying what is wrong (a missing or malformed header, a value that is not JSON):
     *                                  such a reply can never be applied and is dead-lettered
     */
    static Reply parse(Map<String, String> headers, byte[] value, ObjectMapper json) {
        UUID sagaId = uuid(headers, KafkaHeader.SAGA_ID);
        UUID messageId = uuid(headers, KafkaHeader.MESSAGE_ID);
        String step = required(headers, KafkaHeader.STEP);
        // Lower-cased: the engine has always taken a reply's kind in any case (SPEC §5 spells it lower case).
        CommandKind kind = CommandKind.parse(required(headers, KafkaHeader.KIND).toLowerCase(Locale.ROOT));
        ReplyOutcome outcome = ReplyOutcome.parse(required(headers, KafkaHeader.OUTCOME));
        java.time.Duration retryAfter = java.time.Duration.ZERO;
        if (outcome == ReplyOutcome.DEFERRED) {
            String after = required(headers, KafkaHeader.RETRY_AFTER_MS);
            try {
                retryAfter = java.time.Duration.ofMillis(Math.max(0, Long.parseLong(after)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("header " + KafkaHeader.RETRY_AFTER_MS + " must be a number, was '"
                        + after + "'", e);
            }
        }
        try {
            JsonNode body = value == null || value.length == 0 ? json.nullNode()
                    : json.readTree(new String(value, StandardCharsets.UTF_8));
            return new Reply(sagaId, messageId, step, kind, outcome, body, retryAfter);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the value is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static UUID uuid(Map<String, String> headers, String name) {
        String value = required(headers, name);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header " + name + " must be a UUID, was '" + value + "'", e);
        }
    }

    private static String required(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " is missing");
        }
        return value;
    }
}
