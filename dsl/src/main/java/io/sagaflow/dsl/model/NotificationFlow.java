package io.sagaflow.dsl.model;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code kind: Notification} document (SPEC §3.3): best-effort delivery of a payload to an HTTP endpoint, retried
 * on a fixed schedule, then given up (and listed as a dead letter).
 *
 * @param target    the URL each notification is POSTed to
 * @param schedule  the waits between attempts: n waits allow n + 1 attempts
 * @param signing   how the body is signed, if at all
 * @param rateLimit the most requests to {@code target} per period, across all engine nodes; none when empty
 * @param success   which answers count as delivered
 */
public record NotificationFlow(FlowId id, URI target, List<Duration> schedule, Optional<Signing> signing,
                               Optional<RateLimit> rateLimit, Success success) implements FlowDocument {

    public NotificationFlow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(target, "target");
        schedule = List.copyOf(schedule);
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(success, "success");
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("schedule must have at least one wait");
        }
        for (Duration wait : schedule) {
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("schedule waits must be > 0, was " + wait);
            }
        }
    }

    @Override
    public Kind kind() {
        return Kind.NOTIFICATION;
    }

    /** Attempts in all, the first included. */
    public int maxAttempts() {
        return schedule.size() + 1;
    }

    /** The wait before attempt {@code attempt} (2 for the first retry), or empty when the schedule is spent. */
    public Optional<Duration> waitBefore(int attempt) {
        if (attempt < 2) {
            throw new IllegalArgumentException("attempt must be >= 2, was " + attempt);
        }
        return attempt - 2 < schedule.size() ? Optional.of(schedule.get(attempt - 2)) : Optional.empty();
    }

    /**
     * HMAC-SHA256 of the raw body with the secret read from environment variable {@code secretEnv}, sent as
     * {@code Sagaflow-Signature: sha256=<hex>}. The flow names the variable, never the secret.
     */
    public record Signing(String secretEnv) {
        public Signing {
            Objects.requireNonNull(secretEnv, "secretEnv");
        }
    }

    /** The HTTP statuses that mean delivered; any other answer is a failed attempt. */
    public record Success(List<StatusRange> statuses) {

        /** {@code status: 2xx}. */
        public static final Success DEFAULT = new Success(List.of(StatusRange.ofClass(2)));

        public Success {
            statuses = List.copyOf(statuses);
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("success.status must list at least one status");
            }
        }

        public boolean accepts(int status) {
            return statuses.stream().anyMatch(r -> r.contains(status));
        }
    }

    /**
     * Statuses from {@code from} to {@code to}, both included: one code ({@code 200}) or a class ({@code 2xx}).
     * Only 2xx to 4xx: a 5xx answer means the receiver failed, which is what retries are for.
     */
    public record StatusRange(int from, int to) {

        public static final int LOWEST = 200;
        public static final int HIGHEST = 499;

        public StatusRange {
            if (from < LOWEST || to > HIGHEST || from > to) {
                throw new IllegalArgumentException("a success status must be within 200-499, was " + from + "-" + to);
            }
        }

        public static StatusRange of(int code) {
            return new StatusRange(code, code);
        }

        /** {@code ofClass(2)} is 2xx. */
        public static StatusRange ofClass(int hundreds) {
            return new StatusRange(hundreds * 100, hundreds * 100 + 99);
        }

        public boolean contains(int status) {
            return status >= from && status <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from / 100 + "xx";
        }
    }
}
