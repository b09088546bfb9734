package io.sagaflow.engine.internal;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a newest-first list; {@code next} is the cursor of the following page, null on the last one (the
 * JSON shape of every list of the API: {@code {"items": [...], "next": "..."}}).
 */
public record Page<T>(List<T> items, String next) {

    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page out of the rows a query fetched with {@link PageRequest#fetchSize()}: the first {@code limit} of them,
     * and a cursor after the last one when the query found more.
     */
    public static <T> Page<T> of(List<T> fetched, PageRequest request, Function<T, PageCursor> cursorOf) {
        boolean more = fetched.size() > request.limit();
        List<T> items = more ? fetched.subList(0, request.limit()) : fetched;
        String next = more ? cursorOf.apply(items.get(items.size() - 1)).encode() : null;
        return new Page<>(items, next);
    }

    /** The same page with each item converted. */
    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), next);
    }
}
