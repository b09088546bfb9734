package io.sagaflow.engine.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered as RFC 7807 {@code application/problem+json}. {@code type} is a stable short code
 * (e.g. {@code unknown-saga}); {@code extensions} adds members such as {@code errors}.
 */
public class Problem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions;

    public Problem(int status, String type, String title, String detail, Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = new LinkedHashMap<>(extensions);
    }

    public static Problem badRequest(String type, String detail) {
        return new Problem(400, type, "Bad request", detail, Map.of());
    }

    public static Problem notFound(String type, String detail) {
        return new Problem(404, type, "Not found", detail, Map.of());
    }

    public static Problem conflict(String type, String title, String detail) {
        return new Problem(409, type, title, detail, Map.of());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
