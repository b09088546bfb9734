package io.sagaflow.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.engine.internal.DomainFailure;
import java.util.Iterator;
import java.util.Map;

/**
 * Text the database can store exactly. PostgreSQL refuses U+0000 in {@code text} and {@code jsonb} (the request would
 * fail deep in a transaction), and a lone UTF-16 surrogate has no UTF-8 form (it would be stored changed, as "?").
 * Both are refused at the door, with where they were found, before anything is written.
 */
final class StorableText {

    private StorableText() {
    }

    /** Refuses {@code value} (a query or path value named {@code name}) when it cannot be stored exactly. */
    static String require(String name, String value) {
        if (value != null) {
            problem(value).ifPresent(p -> {
                throw refused(name, p);
            });
        }
        return value;
    }

    /** Refuses a JSON document with such text in any string or field name; {@code where} names it ("input"). */
    static JsonNode require(String where, JsonNode node) {
        check(where, node);
        return node;
    }

    private static void check(String path, JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            problem(node.textValue()).ifPresent(p -> {
                throw refused(path, p);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(path + "[" + i + "]", node.get(i));
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                problem(field.getKey()).ifPresent(p -> {
                    throw refused(path + " (a field name)", p);
                });
                check(path + "." + field.getKey(), field.getValue());
            }
        }
    }

    /** What is wrong with {@code s}, if anything. */
    static java.util.Optional<String> problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u0000') {
                return java.util.Optional.of("contains U+0000 (NUL), which cannot be stored");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return java.util.Optional.of("contains a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + "), which is not text");
            }
            if (Character.isLowSurrogate(c)) {
                return java.util.Optional.of("contains a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + "), which is not text");
            }
        }
        return java.util.Optional.empty();
    }

    private static DomainFailure refused(String where, String problem) {
        return new DomainFailure.Invalid("invalid-text", "Text that cannot be stored", where + " " + problem,
                Map.of("where", where));
    }
}
