package io.sagaflow.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Values as the stores bind and read them: instants as {@code timestamptz} (UTC), JSON as text cast to
 * {@code jsonb} in SQL. A stored JSON that no longer parses is a bug, not a request error: it throws
 * {@link IllegalStateException}.
 */
public final class SqlValues {

    private SqlValues() {
    }

    /** An instant as a {@code timestamptz} parameter. */
    public static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A value as JSON text, for a {@code $n::text::jsonb} parameter. */
    public static String json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value does not serialize to JSON", e);
        }
    }

    /** A stored JSON column read as text. */
    public static JsonNode tree(ObjectMapper mapper, String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }

    /** A stored JSON column read as a typed value. */
    public static <T> T value(ObjectMapper mapper, String text, TypeReference<T> type) {
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse", e);
        }
    }
}
