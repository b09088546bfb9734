package io.sagaflow.engine.internal;

import java.time.Duration;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The loop behind every poller of durable work (timers, message check-backs, notification deliveries): run a round,
 * sleep {@code idle} when the round found less than a full batch, back off {@code afterFailure} when it failed (the
 * database is away: the work stays in its table, nothing is lost by waiting). One daemon thread; start and stop are
 * idempotent, and a stopped loop can be started again.
 */
public final class PollLoop {

    /** One round of work; returns how many items it handled. */
    @FunctionalInterface
    public interface Round {
        int run() throws InterruptedException;
    }

    private static final Logger LOG = Logger.getLogger(PollLoop.class);

    private final String name;
    private final int batch;
    private final Duration idle;
    private final Duration afterFailure;
    private final Round round;
    private Thread thread;
    private volatile boolean running;

    /**
     * @param name         the thread's name, also used in the log
     * @param batch        a full round: fewer items than this means nothing more is due now
     * @param idle         the sleep after a round that was not full
     * @param afterFailure the sleep after a round that failed
     */
    public PollLoop(String name, int batch, Duration idle, Duration afterFailure, Round round) {
        this.name = Objects.requireNonNull(name, "name");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, was " + batch);
        }
        this.batch = batch;
        this.idle = Objects.requireNonNull(idle, "idle");
        this.afterFailure = Objects.requireNonNull(afterFailure, "afterFailure");
        this.round = Objects.requireNonNull(round, "round");
    }

    /** Starts the loop; idempotent. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the loop and waits up to {@code wait} for its round to end. */
    public synchronized void stop(Duration wait) {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    private void run() {
        while (running) {
            try {
                if (round.run() < batch) {
                    Thread.sleep(idle.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("%s: a round failed (%s); retrying in %s", name, e.getMessage(), afterFailure);
                try {
                    Thread.sleep(afterFailure.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
