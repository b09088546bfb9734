package io.sagaflow.engine.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per principal for the write endpoints (issue 12: 429 with {@code Retry-After}): each principal may
 * make {@code burst} changes at once and {@code perSecond} a second after that. Pure but for its buckets; the clock
 * is the caller's. The principals are the configured users and tokens, so the map stays small.
 */
public final class WriteRateLimit {

    /** A principal's allowance: {@code perSecond} changes a second, up to {@code burst} at once. */
    public record Allowance(double perSecond, int burst) {
        public Allowance {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("a write rate limit needs perSecond > 0 and burst >= 1, was "
                        + perSecond + "/s, burst " + burst);
            }
        }
    }

    private record Bucket(double tokens, Instant at) {
    }

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * Takes one change from {@code principal}'s bucket. Empty when allowed; otherwise how long until one is free
     * (what {@code Retry-After} says), and nothing is taken.
     */
    public Optional<Duration> take(String principal, Allowance allowance, Instant now) {
        Duration[] refusedFor = {null};
        buckets.compute(principal, (key, b) -> {
            double tokens = b == null ? allowance.burst()
                    : Math.min(allowance.burst(), b.tokens() + allowance.perSecond()
                            * Math.max(0, Duration.between(b.at(), now).toNanos()) / 1e9);
            Instant at = b == null || now.isAfter(b.at()) ? now : b.at();   // a clock stepping back gives nothing
            if (tokens >= 1) {
                return new Bucket(tokens - 1, at);
            }
            refusedFor[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / allowance.perSecond() * 1e9));
            return new Bucket(tokens, at);
        });
        return Optional.ofNullable(refusedFor[0]);
    }
}
