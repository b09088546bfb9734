package io.sagaflow.engine.api;

import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * A position in a newest-first list (sagas, messages, notifications, dead letters): the {@code created_at} and
 * {@code id} of the last item of a page. Opaque to clients: the {@code next} of one page is the {@code after} of
 * the following one.
 */
public record PageCursor(Instant createdAt, UUID id) {

    /** Most items of one page. */
    public static final int MAX_LIMIT = 500;

    /** The cursor after the last item of a page, as {@code next}. */
    public String encode() {
        String raw = createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client passed as {@code after} (none when null); 400 problem when it is not one of ours. */
    public static Optional<PageCursor> fromQuery(String after) {
        if (after == null) {
            return Optional.empty();
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 2);
            return Optional.of(new PageCursor(Instant.parse(parts[0]), UUID.fromString(parts[1])));
        } catch (RuntimeException e) {
            throw Problem.badRequest("invalid-cursor", "'after' must be the 'next' value of a previous page");
        }
    }

    /** 400 problem unless 1 <= limit <= {@link #MAX_LIMIT}. */
    public static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Problem.badRequest("invalid-limit", "limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Appends {@code AND (created_at, id) < (..)} to a WHERE clause, binding both values into {@code params}. */
    public void appendTo(StringBuilder sql, Tuple params) {
        int at = params.addValue(OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC)).size();
        int after = params.addValue(id).size();
        sql.append(" AND (created_at, id) < ($").append(at).append(", $").append(after).append(")");
    }
}
