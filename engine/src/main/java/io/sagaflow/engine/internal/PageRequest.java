package io.sagaflow.engine.internal;

import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Optional;

/**
 * Which page of a newest-first list a client asked for: at most {@code limit} items after {@code after}. Built
 * from the query string by {@link #of}, which refuses what no list accepts; every list of the engine takes one.
 */
public record PageRequest(Optional<PageCursor> after, int limit) {

    /** Most items of one page. */
    public static final int MAX_LIMIT = 500;

    public PageRequest {
        checkLimit(limit);
        after = after == null ? Optional.empty() : after;
    }

    /**
     * From the query parameters {@code after} (a {@code next} cursor or null) and {@code limit}; the limit is
     * checked first, so a request with both wrong is told about the limit.
     */
    public static PageRequest of(String after, int limit) {
        checkLimit(limit);
        return new PageRequest(PageCursor.decode(after), limit);
    }

    /** How many rows a query fetches: one more than the page, to know whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }

    /** Appends the keyset condition when there is a cursor (see {@link PageCursor#appendTo}). */
    public void appendTo(StringBuilder sql, Tuple params) {
        after.ifPresent(cursor -> cursor.appendTo(sql, params));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new DomainFailure.Invalid("invalid-limit", "limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
    }
}
