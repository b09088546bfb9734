package io.sagaflow.connectors.http;

import io.sagaflow.wire.HttpProtection;
import io.sagaflow.wire.ReplyOutcome;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The protections of the HTTP participants (docs/participants.md, "Protecting a participant"), one set per
 * {@link HttpProtection#name()}, built on SmallRye Fault Tolerance guards: a circuit breaker (a RETRY answer or no
 * answer is a failure; 2xx and 409/422 are answers), a rate limit and a bulkhead. A call a guard refuses is not made:
 * its answer is {@link ReplyOutcome#DEFERRED} with the time after which the engine should send it again, so an open
 * circuit delays attempts instead of spending them.
 *
 * <p>The circuit and the bulkhead are this node's. The rate limit is shared by the nodes that run the connector: this
 * node takes the part of it that matches its part of the command partitions ({@code share}), since commands spread
 * over partitions by saga id.
 */
final class ParticipantGuards {

    /** The wait before a call the bulkhead refused is sent again: about one short call. */
    static final Duration BULKHEAD_RETRY = Duration.ofMillis(200);
    /** The least wait before a deferred call is sent again (a half-open circuit answers in its own time). */
    static final Duration MIN_RETRY = Duration.ofMillis(100);
    private static final TypeLiteral<CompletionStage<HttpAnswer>> ANSWER = new TypeLiteral<>() { };

    private final Map<String, Protected> byName = new ConcurrentHashMap<>();
    private final Clock clock;
    private final java.util.function.BiConsumer<String, String> onDeferred;

    /** @param onDeferred told {@code (protection name, reason code)} of every call held back */
    ParticipantGuards(Clock clock, java.util.function.BiConsumer<String, String> onDeferred) {
        this.clock = clock;
        this.onDeferred = onDeferred;
    }

    /** What one participant's protection is doing, for the nodes API. */
    record Status(String name, String circuit, Optional<Instant> openSince, int inFlight, long deferredCircuitOpen,
                  long deferredRateLimited, long deferredBulkheadFull) {
    }

    /**
     * Makes {@code call} under {@code protection}, or answers DEFERRED without making it.
     *
     * @param share this node's part of the rate limit, in (0, 1]
     */
    CompletableFuture<HttpAnswer> call(HttpProtection protection, double share,
                                       Supplier<CompletableFuture<HttpAnswer>> call) {
        Protected p = byName.compute(protection.name(),
                (name, old) -> old != null && old.spec.equals(protection) ? old
                        : new Protected(protection, clock, reason -> onDeferred.accept(name, reason)));
        return p.call(share, call);
    }

    /** Every protection this node has used, by name. */
    List<Status> status() {
        List<Status> out = new ArrayList<>();
        byName.values().forEach(p -> out.add(p.status()));
        out.sort(java.util.Comparator.comparing(Status::name));
        return out;
    }

    /**
     * The wait before a command refused by an open circuit is sent again: the rest of the circuit's delay (at least
     * {@link #MIN_RETRY}, for a half-open circuit whose trial calls run), spread by up to a fifth so that the
     * commands held back do not all come back in the same millisecond.
     */
    static Duration circuitRetryAfter(Duration delay, Optional<Instant> openSince, Instant now, double jitterUnit) {
        Duration rest = openSince.map(since -> delay.minus(Duration.between(since, now))).orElse(delay);
        Duration wait = rest.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : rest;
        return wait.plusMillis((long) (wait.toMillis() * 0.2 * jitterUnit));
    }

    /**
     * This node's part of a rate limit of {@code permits} per {@code perMs}: {@code share} of it, as whole permits
     * over a window stretched to keep the rate (1 per 3 s for a third of 1 per second).
     */
    static HttpProtection.Rate shareOf(HttpProtection.Rate rate, double share) {
        double permits = rate.permits() * Math.min(1, Math.max(share, 1e-3));
        int whole = Math.max(1, (int) Math.round(permits));
        long window = Math.max(1, Math.round(rate.perMs() * whole / permits));
        return new HttpProtection.Rate(whole, window);
    }

    /** A call that got no answer or a RETRY answer: a failure for the circuit breaker, carrying its answer. */
    private static final class FailedCall extends RuntimeException {
        final transient HttpAnswer answer;

        FailedCall(HttpAnswer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** One participant's guards. */
    private static final class Protected {
        final HttpProtection spec;
        final Clock clock;
        final Optional<Guard> circuit;
        final Optional<Guard> bulkhead;
        volatile Optional<Guard> rate = Optional.empty();
        volatile HttpProtection.Rate rateBuilt;
        volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
        volatile Optional<Instant> openSince = Optional.empty();
        final AtomicInteger inFlight = new AtomicInteger();
        final LongAdder circuitOpen = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder bulkheadFull = new LongAdder();

        final java.util.function.Consumer<String> onDeferred;

        Protected(HttpProtection spec, Clock clock, java.util.function.Consumer<String> onDeferred) {
            this.spec = spec;
            this.clock = clock;
            this.onDeferred = onDeferred;
            this.circuit = spec.circuit().map(c -> Guard.create()
                    .withDescription("circuit of " + spec.name())
                    .withCircuitBreaker()
                    .failureRatio(c.failureRatio())
                    .requestVolumeThreshold(c.requestVolume())
                    .delay(c.delayMs(), ChronoUnit.MILLIS)
                    .successThreshold(c.successThreshold())
                    .when(FailedCall.class::isInstance)
                    .onStateChange(this::changed)
                    .done()
                    .withThreadOffload(false)
                    .build());
            this.bulkhead = spec.bulkhead().map(limit -> Guard.create()
                    .withDescription("bulkhead of " + spec.name())
                    .withBulkhead().limit(limit).queueSize(1).done()
                    .withThreadOffload(false)
                    .build());
        }

        private void changed(CircuitBreakerState next) {
            state = next;
            openSince = next == CircuitBreakerState.OPEN ? Optional.of(clock.instant()) : openSince;
            if (next == CircuitBreakerState.CLOSED) {
                openSince = Optional.empty();
            }
        }

        /** The rate guard for this node's share, rebuilt when the share changed (a rebalance). */
        private Optional<Guard> rateGuard(double share) {
            if (spec.rate().isEmpty()) {
                return Optional.empty();
            }
            HttpProtection.Rate mine = shareOf(spec.rate().get(), share);
            if (!mine.equals(rateBuilt)) {
                synchronized (this) {
                    if (!mine.equals(rateBuilt)) {
                        rate = Optional.of(Guard.create()
                                .withDescription("rate limit of " + spec.name())
                                .withRateLimit().limit(mine.permits()).window(mine.perMs(), ChronoUnit.MILLIS)
                                .type(RateLimitType.SMOOTH).done()
                                .withThreadOffload(false)
                                .build());
                        rateBuilt = mine;
                    }
                }
            }
            return rate;
        }

        CompletableFuture<HttpAnswer> call(double share, Supplier<CompletableFuture<HttpAnswer>> call) {
            Supplier<CompletionStage<HttpAnswer>> guarded = () -> {
                inFlight.incrementAndGet();
                return call.get().whenComplete((a, e) -> inFlight.decrementAndGet())
                        .thenApply(answer -> {
                            if (answer.outcome() == ReplyOutcome.RETRY) {
                                throw new FailedCall(answer);
                            }
                            return answer;
                        });
            };
            Supplier<CompletionStage<HttpAnswer>> chain = wrap(bulkhead, guarded);
            chain = wrap(rateGuard(share), chain);
            chain = wrap(circuit, chain);
            CompletionStage<HttpAnswer> stage;
            try {
                stage = chain.get();
            } catch (RuntimeException refused) {
                stage = CompletableFuture.failedFuture(refused);
            }
            return stage.toCompletableFuture().handle((answer, error) -> answer != null ? answer : answerOf(error));
        }

        private static Supplier<CompletionStage<HttpAnswer>> wrap(Optional<Guard> guard,
                                                                  Supplier<CompletionStage<HttpAnswer>> inner) {
            return guard.<Supplier<CompletionStage<HttpAnswer>>>map(g -> () -> g.get(inner, ANSWER)).orElse(inner);
        }

        private HttpAnswer answerOf(Throwable error) {
            Throwable cause = error;
            while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            double jitter = ThreadLocalRandom.current().nextDouble();
            if (cause instanceof FailedCall failed) {
                return failed.answer;
            }
            if (cause instanceof CircuitBreakerOpenException) {
                circuitOpen.increment();
                onDeferred.accept("circuit-open");
                Duration after = circuitRetryAfter(Duration.ofMillis(spec.circuit().orElseThrow().delayMs()), openSince,
                        clock.instant(), jitter);
                return HttpAnswer.deferred("CIRCUIT_OPEN", "the circuit of " + spec.name() + " is open", after);
            }
            if (cause instanceof RateLimitException limited) {
                rateLimited.increment();
                onDeferred.accept("rate-limited");
                Duration after = Duration.ofMillis(Math.max(MIN_RETRY.toMillis(), limited.getRetryAfterMillis()));
                return HttpAnswer.deferred("RATE_LIMITED", "the rate limit of " + spec.name() + " is reached",
                        after.plusMillis((long) (after.toMillis() * 0.2 * jitter)));
            }
            if (cause instanceof BulkheadException) {
                bulkheadFull.increment();
                onDeferred.accept("bulkhead-full");
                return HttpAnswer.deferred("BULKHEAD_FULL", "every call slot of " + spec.name() + " is busy",
                        BULKHEAD_RETRY.plusMillis((long) (BULKHEAD_RETRY.toMillis() * jitter)));
            }
            return HttpAnswer.unanswered(cause);
        }

        Status status() {
            return new Status(spec.name(), spec.circuit().isPresent() ? state.name() : "NONE", openSince, inFlight.get(),
                    circuitOpen.sum(), rateLimited.sum(), bulkheadFull.sum());
        }
    }
}
