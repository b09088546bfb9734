package io.sagaflow.engine.internal;

import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A position in a newest-first list (sagas, messages, notifications, dead letters): the {@code created_at} and
 * {@code id} of the last item of a page. Opaque to clients: the {@code next} of one page is the {@code after} of
 * the following one. Keyset paging, so a page costs the same at any depth and new rows never shift a page.
 */
public record PageCursor(Instant createdAt, UUID id) {

    public PageCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** The cursor after the last item of a page, as {@code next}. */
    public String encode() {
        String raw = createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client passed as {@code after} (none when null); {@code invalid-cursor} when it is not ours. */
    public static Optional<PageCursor> decode(String after) {
        if (after == null) {
            return Optional.empty();
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 2);
            return Optional.of(new PageCursor(Instant.parse(parts[0]), UUID.fromString(parts[1])));
        } catch (RuntimeException e) {
            throw new DomainFailure.Invalid("invalid-cursor", "'after' must be the 'next' value of a previous page");
        }
    }

    /** Appends {@code AND (created_at, id) < (..)} to a WHERE clause, binding both values into {@code params}. */
    public void appendTo(StringBuilder sql, Tuple params) {
        int at = params.addValue(SqlValues.at(createdAt)).size();
        int after = params.addValue(id).size();
        sql.append(" AND (created_at, id) < ($").append(at).append(", $").append(after).append(")");
    }
}
