package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * The one search box of the saga list, each form answered by an index: a saga id (the primary key), an
 * Idempotency-Key (its unique index), or {@code key=value} in the input ({@code input @> {"key": value}}, the GIN
 * index {@code saga_input}); {@code a.b=value} looks into nested objects. A value that reads as a number, {@code true},
 * {@code false} or {@code null} matches that JSON value or the same text as a string ({@code orderId=42} finds
 * {@code 42} and {@code "42"}); quoted ({@code orderId="42"}) it matches only the string.
 */
public sealed interface SagaSearch {

    /** A saga id. */
    record ById(UUID id) implements SagaSearch {
    }

    /** The Idempotency-Key a saga was started with. */
    record ByIdempotencyKey(String key) implements SagaSearch {
    }

    /** Sagas whose input contains one of these JSON documents (the containment operator {@code @>}). */
    record ByInput(java.util.List<JsonNode> anyOf) implements SagaSearch {
        public ByInput {
            anyOf = java.util.List.copyOf(anyOf);
        }
    }

    /** Reads what a user typed; never fails (anything that is no id and no {@code key=value} is a key). */
    static SagaSearch parse(String text) {
        String q = text.strip();
        try {
            if (q.length() == 36) {
                return new ById(UUID.fromString(q));
            }
        } catch (IllegalArgumentException notAnId) {
            // an Idempotency-Key of 36 characters
        }
        int eq = q.indexOf('=');
        if (eq > 0 && eq < q.length() - 1 && !q.substring(0, eq).isBlank()) {
            String path = q.substring(0, eq).strip();
            String raw = q.substring(eq + 1).strip();
            JsonNode value = value(raw);
            return value.isTextual() ? new ByInput(java.util.List.of(nest(path, value)))
                    : new ByInput(java.util.List.of(nest(path, value), nest(path, JsonNodeFactory.instance.textNode(raw))));
        }
        return new ByIdempotencyKey(q);
    }

    private static JsonNode nest(String path, JsonNode value) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode at = root;
        String[] keys = path.split("\\.");
        for (int i = 0; i < keys.length - 1; i++) {
            at = at.putObject(keys[i]);
        }
        at.set(keys[keys.length - 1], value);
        return root;
    }

    private static JsonNode value(String v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return f.textNode(v.substring(1, v.length() - 1));
        }
        switch (v) {
            case "true":
                return f.booleanNode(true);
            case "false":
                return f.booleanNode(false);
            case "null":
                return f.nullNode();
            default:
                break;
        }
        try {
            return f.numberNode(new BigDecimal(v));
        } catch (NumberFormatException notANumber) {
            return f.textNode(v);
        }
    }
}
