package io.sagaflow.engine.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Why the domain refused a request or could not serve it: the one error model of the engine. Every package throws
 * these (never an HTTP status); only {@code engine.api} turns them into {@code application/problem+json}, so
 * "change an API error" has one room: {@code api.ProblemMappers}.
 *
 * <p>{@code code} is stable and machine-readable (it becomes the problem {@code type}, e.g. {@code unknown-saga});
 * {@code retryable} says whether the same request may succeed later without change (Temporal's
 * {@code ApplicationFailure.nonRetryable}, inverted); {@code details} are extra members a client can act on (the
 * id of the saga an Idempotency-Key belongs to, the diagnostics of a document).
 */
public abstract sealed class DomainFailure extends RuntimeException
        permits DomainFailure.NotFound, DomainFailure.Conflict, DomainFailure.Invalid, DomainFailure.Unavailable {

    private final String code;
    private final String summary;
    private final Map<String, Object> details;

    private DomainFailure(String code, String summary, String message, Map<String, Object> details) {
        super(Objects.requireNonNull(message, "message"));
        if (code == null || !code.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("code must be kebab-case, was " + code);
        }
        this.code = code;
        this.summary = Objects.requireNonNull(summary, "summary");
        this.details = Map.copyOf(new LinkedHashMap<>(details));
    }

    /** Stable machine-readable code, kebab-case. */
    public String code() {
        return code;
    }

    /** A short human title of this kind of failure ("Idempotency-Key reused"). */
    public String summary() {
        return summary;
    }

    /** Extra members for the client; never internal class names or SQL. */
    public Map<String, Object> details() {
        return details;
    }

    /** Whether the same request may succeed later as it is. */
    public abstract boolean retryable();

    /** The thing named does not exist (an unknown id, flow or version). */
    public static final class NotFound extends DomainFailure {
        public NotFound(String code, String message) {
            super(code, "Not found", message, Map.of());
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** The request contradicts the current state (already decided, key reused, version exists with other content). */
    public static final class Conflict extends DomainFailure {
        public Conflict(String code, String summary, String message) {
            this(code, summary, message, Map.of());
        }

        public Conflict(String code, String summary, String message, Map<String, Object> details) {
            super(code, summary, message, details);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** The request itself is wrong (a bad value, a missing field, a document with errors). */
    public static non-sealed class Invalid extends DomainFailure {
        public Invalid(String code, String message) {
            this(code, "Bad request", message, Map.of());
        }

        public Invalid(String code, String summary, String message, Map<String, Object> details) {
            super(code, summary, message, details);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** A dependency the request needs is not there now (database, broker); the same request may succeed later. */
    public static final class Unavailable extends DomainFailure {
        public Unavailable(String code, String message) {
            super(code, "Service unavailable", message, Map.of());
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }
}
