package io.sagaflow.engine.internal;

import java.time.Duration;
import java.util.Objects;
import io.sagaflow.loops.Backoff;
import io.sagaflow.loops.Supervisor;

/**
 * The loop behind every poller of durable work (timers, message check-backs, notification deliveries): run a round,
 * sleep {@code idle} when the round found less than a full batch. A round that fails ends the loop and its
 * {@link Supervisor} starts it again after a backoff from {@code afterFailure} (the database is away: the work stays in
 * its table, nothing is lost by waiting); readiness lists it meanwhile. One daemon thread; start and stop are
 * idempotent, and a stopped loop can be started again.
 */
public final class PollLoop {

    /** One round of work; returns how many items it handled. */
    @FunctionalInterface
    public interface Round {
        int run() throws InterruptedException;
    }

    private final int batch;
    private final Duration idle;
    private final Round round;
    private final Supervisor supervisor;

    /**
     * @param name         the thread's name, also used in the log and in readiness
     * @param batch        a full round: fewer items than this means nothing more is due now
     * @param idle         the sleep after a round that was not full
     * @param afterFailure the first wait after a round that failed (then doubling, up to 8 times as long)
     */
    public PollLoop(String name, int batch, Duration idle, Duration afterFailure, Round round) {
        Objects.requireNonNull(name, "name");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, was " + batch);
        }
        this.batch = batch;
        this.idle = Objects.requireNonNull(idle, "idle");
        this.round = Objects.requireNonNull(round, "round");
        Objects.requireNonNull(afterFailure, "afterFailure");
        // A failed round ends the loop; its supervisor starts it again after a backoff (the work stays in its table).
        this.supervisor = new Supervisor(name, new Backoff(afterFailure, afterFailure.multipliedBy(8)), this::run,
                new Supervisor.Listener() { }, java.time.Clock.systemUTC());
    }

    /** Starts the loop; idempotent. */
    public void start() {
        supervisor.start();
    }

    /** Stops the loop and waits up to {@code wait} for its round to end. */
    public void stop(Duration wait) {
        supervisor.stop(wait);
    }

    /** RUNNING, RESTARTING (after a failed round) or STOPPED, with the restarts. */
    public Supervisor.Status status() {
        return supervisor.status();
    }

    private void run(java.util.function.BooleanSupplier running) throws InterruptedException {
        while (running.getAsBoolean()) {
            if (round.run() < batch) {
                Thread.sleep(idle.toMillis());
            }
        }
    }
}
