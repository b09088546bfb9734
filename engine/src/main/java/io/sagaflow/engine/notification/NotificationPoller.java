package io.sagaflow.engine.notification;

import io.sagaflow.engine.internal.PollLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Delivers due notifications: claims them in one transaction (SKIP LOCKED, rate limit, lease), sends each outside
 * any transaction, and records each outcome in a second one. Everything it needs is in the tables, so any node may
 * run it and a restart continues every schedule where it was.
 */
@ApplicationScoped
public class NotificationPoller {

    private static final Logger LOG = Logger.getLogger(NotificationPoller.class);
    private static final Duration DB_WAIT = Duration.ofSeconds(60);
    private static final Duration BACKOFF_AFTER_ERROR = Duration.ofSeconds(1);

    private final NotificationStore store;
    private final NotificationSender sender;
    private final SagaflowConfig config;
    private final Semaphore inFlight;
    private final Counter delivered;
    private final Counter failedAttempts;
    private final Counter gaveUp;
    private final Counter rateLimited;
    private final Timer latency;
    private final PollLoop loop;

    public NotificationPoller(NotificationStore store, NotificationSender sender, SagaflowConfig config,
                              MeterRegistry metrics) {
        this.store = store;
        this.sender = sender;
        this.config = config;
        this.inFlight = new Semaphore(config.notifications().concurrency());
        String outcomes = "sagaflow.notifications.outcomes";
        this.delivered = Counter.builder(outcomes).tag("outcome", "delivered")
                .description("notification attempts by outcome").register(metrics);
        this.failedAttempts = Counter.builder(outcomes).tag("outcome", "failed-attempt")
                .description("notification attempts by outcome").register(metrics);
        this.gaveUp = Counter.builder(outcomes).tag("outcome", "gave-up")
                .description("notification attempts by outcome").register(metrics);
        this.rateLimited = Counter.builder("sagaflow.notifications.rate.limited")
                .description("due notifications a claim held back because their target had no token").register(metrics);
        this.latency = Timer.builder("sagaflow.notifications.latency")
                .description("time from sending a notification to its answer or failure").register(metrics);
        this.loop = new PollLoop("sagaflow-notifications", config.notifications().batchSize(),
                config.notifications().pollInterval(), BACKOFF_AFTER_ERROR, this::claimAndSend);
    }

    void onStart(@Observes @Priority(40) StartupEvent event) {
        if (config.notifications().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts claiming on this node (at startup when {@code sagaflow.notifications.enabled}); idempotent. */
    public void start() {
        loop.start();
    }

    /**
     * Stops claiming on this node and waits for the loop to end; attempts already sent still record their outcome.
     * What is left is in the tables, for this node's next {@link #start()} or another node.
     */
    public void stop() {
        loop.stop(DB_WAIT);
    }

    /** One round: claim only what can be sent now (a claimed attempt waiting for a free slot would eat its lease). */
    private int claimAndSend() {
        int room = Math.min(config.notifications().batchSize(), inFlight.availablePermits());
        if (room == 0) {
            return 0;
        }
        NotificationStore.ClaimBatch claims = store.claimDue(room).await().atMost(DB_WAIT);
        rateLimited.increment(claims.rateLimited());
        claims.claims().forEach(this::deliver);
        return claims.claims().size();
    }

    private void deliver(Claim claim) {
        inFlight.acquireUninterruptibly();   // never blocks: claims were limited to the free permits
        sender.send(claim)
                .thenCompose(result -> {
                    latency.record(result.latency());
                    return store.record(claim, result).subscribeAsCompletionStage();
                })
                .whenComplete((recorded, failure) -> {
                    inFlight.release();
                    if (failure != null) {
                        // The lease ends and another claim repeats the attempt: nothing is lost.
                        LOG.warnf("recording attempt %d of notification %s failed (%s); it is repeated after its lease",
                                claim.attempt(), claim.notificationId(), failure.getMessage());
                        return;
                    }
                    switch (recorded) {
                        case DELIVERED -> delivered.increment();
                        case RETRY_SCHEDULED -> failedAttempts.increment();
                        case GAVE_UP -> {
                            failedAttempts.increment();
                            gaveUp.increment();
                        }
                        case IGNORED -> LOG.debugf("late outcome of attempt %d of %s ignored", claim.attempt(),
                                claim.notificationId());
                    }
                });
    }
}
