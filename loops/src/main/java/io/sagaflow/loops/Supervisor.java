package io.sagaflow.loops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one long-lived loop (a Kafka consumer, a poller) on its own thread and keeps it running: when the loop ends
 * with an exception — or returns while it should still run — it is started again after a doubling {@link Backoff},
 * and the failure is counted and reported ({@link Status}, {@link Listener}). Nothing long-lived may stop silently
 * while health says UP: the owner exposes {@link #status()} (the engine as readiness and a metric). The backoff starts
 * over once a run lasted longer than its maximum. {@link #start()} and {@link #stop(Duration)} are idempotent.
 */
public final class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());
    private static final java.util.Set<Supervisor> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The loop: runs until {@code running} turns false, or throws. */
    @FunctionalInterface
    public interface Loop {
        void run(BooleanSupplier running) throws Exception;
    }

    /** What the owner wants to hear about (a metric, a log line of its own). */
    public interface Listener {
        /** The loop failed (or ended by itself) and restarts after {@code in}. */
        default void failed(String name, Throwable failure, Duration in) {
        }
    }

    public enum State { RUNNING, RESTARTING, STOPPED }

    /**
     * @param name        the loop's (and its thread's) name
     * @param state       RUNNING, RESTARTING (failed, waiting for its restart) or STOPPED
     * @param restarts    how many times it was restarted since {@link #start()}
     * @param lastFailure the last failure, as "Type: message"
     * @param failedAt    when it last failed
     */
    public record Status(String name, State state, int restarts, Optional<String> lastFailure, Optional<Instant> failedAt) {
    }

    private final String name;
    private final Backoff backoff;
    private final Loop loop;
    private final Listener listener;
    private final Clock clock;
    private Thread thread;
    private volatile boolean running;
    private volatile State state = State.STOPPED;
    private volatile int restarts;
    private volatile String lastFailure;
    private volatile Instant failedAt;

    public Supervisor(String name, Backoff backoff, Loop loop, Listener listener, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts the loop's thread; idempotent. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        restarts = 0;
        LIVE.add(this);
        thread = new Thread(this::supervise, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Asks the loop to end ({@code running} turns false), interrupts a restart wait, and waits up to {@code wait} for
     * the thread. The loop should notice {@code running} within its poll interval (or be woken by its owner).
     */
    public void stop(Duration wait) {
        stop(wait, () -> { });
    }

    /**
     * Like {@link #stop(Duration)}, and calls {@code wakeUp} once {@code running} is false: what ends a blocking call
     * of the loop (a Kafka consumer's {@code wakeup()}).
     */
    public void stop(Duration wait, Runnable wakeUp) {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
            LIVE.remove(this);
        }
        try {
            wakeUp.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "waking " + name + " up failed", e);
        }
        if (state == State.RESTARTING) {
            t.interrupt();
        }
        try {
            t.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state = State.STOPPED;
    }

    /** Every supervisor started and not stopped in this JVM, for a readiness check that lists them all. */
    public static java.util.List<Status> running() {
        return LIVE.stream().map(Supervisor::status).sorted(java.util.Comparator.comparing(Status::name)).toList();
    }

    public Status status() {
        return new Status(name, state, restarts, Optional.ofNullable(lastFailure), Optional.ofNullable(failedAt));
    }

    /** True while the loop runs (not waiting for a restart, not stopped). */
    public boolean healthy() {
        return state == State.RUNNING;
    }

    private void supervise() {
        int failures = 0;
        while (running) {
            state = State.RUNNING;
            Instant began = clock.instant();
            Throwable failure;
            try {
                loop.run(() -> running);
                if (!running) {
                    break;
                }
                failure = new IllegalStateException("the loop returned while it should still run");
            } catch (Throwable t) {
                if (!running) {
                    break;   // a failure caused by stopping (a closed client, a wakeup)
                }
                failure = t;
            }
            if (Duration.between(began, clock.instant()).compareTo(backoff.max()) > 0) {
                failures = 0;   // it ran well for a while: this is a new incident
            }
            failures++;
            Duration in = backoff.delay(failures);
            lastFailure = failure.getClass().getName() + ": " + failure.getMessage();
            failedAt = clock.instant();
            state = State.RESTARTING;
            LOG.log(Level.WARNING, name + " failed; restarting in " + in.toMillis() + " ms", failure);
            try {
                listener.failed(name, failure, in);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the listener of " + name + " failed", e);
            }
            try {
                Thread.sleep(in.toMillis());
            } catch (InterruptedException e) {
                break;
            }
            if (running) {
                restarts++;
            }
        }
        state = State.STOPPED;
    }
}
