package io.sagaflow.cdc;

import io.sagaflow.loops.Backoff;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.sagaflow.cdc.internal.DebeziumProperties;
import io.sagaflow.cdc.internal.EngineFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Runs one Debezium embedded connector on its own thread, supervised: when the connector stops on its own (a lost
 * database connection, a database restart), it is started again after a {@link Backoff}, for as long as the runner is
 * started and {@code leading} says this node may run it. Each batch goes to the {@link BatchHandler}; the batch is
 * marked processed (and so its position may be committed) only after the handler returned: ack before position.
 *
 * <p>{@link #start} and {@link #stop} are idempotent and may alternate (a leadership hook calls them as the node
 * gains and loses its lock); {@link #close} ends the runner for good. {@link #status} is what a health check reads.
 */
public final class CdcRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CdcRunner.class.getName());

    /** Where the runner is; a failed connector waiting for its restart is {@code RESTARTING}. */
    public enum State { RUNNING, RESTARTING, STOPPED }

    /**
     * What a health check or a metric reads.
     *
     * @param since    when the runner entered {@code state} (by the runner's clock)
     * @param restarts how many times the connector stopped on its own and was restarted (or is about to be)
     */
    public record Status(State state, Instant since, long restarts) {
    }

    /** What the owner wants to hear about (log lines, its own state and metrics). Called on the runner's threads. */
    public interface Events {
        /** A connector is about to be started (first start or a restart). */
        default void starting() {
        }

        /** The connector's task started: it reads the change stream. */
        default void taskStarted() {
        }

        /** The connector stopped on its own; it is started again in {@code restartIn}. */
        default void failed(String message, Throwable error, Duration restartIn) {
        }
    }

    /**
     * How to run.
     *
     * @param config     what to read and where to keep the position
     * @param handler    the sink of each batch
     * @param clock      the time of {@link Status#since}
     * @param restart    the delays between restarts of a failed connector (reset once a task started)
     * @param threadName the connector's thread; the restarter's is this plus {@code -restart}
     * @param leading    false while this node must not run the connector (it lost its leadership): no restart then
     * @param events     the owner's hooks
     */
    public record Options(CdcConfig config, BatchHandler handler, Clock clock, Backoff restart, String threadName,
                          BooleanSupplier leading, Events events) {
        /** All required. */
        public Options {
            Objects.requireNonNull(config, "config must not be null");
            Objects.requireNonNull(handler, "handler must not be null");
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(restart, "restart must not be null");
            CdcConfig.required(threadName, "threadName");
            Objects.requireNonNull(leading, "leading must not be null (use () -> true without leadership)");
            Objects.requireNonNull(events, "events must not be null");
        }
    }

    private final Options options;
    private final Properties properties;
    private final EngineFactory factory;
    private final ExecutorService executor;
    private final ScheduledExecutorService restarter;
    private final AtomicReference<State> state = new AtomicReference<>(State.STOPPED);
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile Instant since;
    /** Bumped by every start and stop: callbacks of an engine from an older generation are ignored. */
    private volatile long generation;
    private DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private boolean closed;

    /** Validates the properties now (a bad config fails here, not on the connector's thread). */
    public CdcRunner(Options options) {
        this(options, EngineFactory.DEBEZIUM);
    }

    CdcRunner(Options options, EngineFactory factory) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.factory = Objects.requireNonNull(factory, "factory must not be null");
        this.properties = DebeziumProperties.of(options.config());
        this.since = options.clock().instant();
        this.executor = Executors.newSingleThreadExecutor(r -> new Thread(r, options.threadName()));
        this.restarter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, options.threadName() + "-restart");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the connector unless it runs (or waits for its restart) already. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("cdc runner " + options.config().name() + " is closed");
        }
        if (state.get() != State.STOPPED) {
            return;
        }
        failuresInARow.set(0);
        launch();
    }

    /** Stops the connector (the position stays where the last acknowledged batch left it); no-op when stopped. */
    public synchronized void stop() {
        if (state.get() == State.STOPPED) {
            return;
        }
        generation++;
        closeEngine();
        enter(State.STOPPED);
    }

    /** Stops, and ends the runner's threads, waiting up to {@code wait} for the connector's thread to end. */
    public void close(Duration wait) {
        synchronized (this) {
            stop();
            closed = true;
        }
        restarter.shutdownNow();
        executor.shutdown();
        try {
            executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #close(Duration)} without waiting. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /** RUNNING, RESTARTING or STOPPED. */
    public State state() {
        return state.get();
    }

    /** True unless stopped: the connector runs or is about to be restarted. */
    public boolean active() {
        return state.get() != State.STOPPED;
    }

    /** How many times the connector stopped on its own since this runner was made. */
    public long restarts() {
        return restarts.get();
    }

    /** State, since when, restarts. */
    public Status status() {
        return new Status(state.get(), since, restarts.get());
    }

    /** The Debezium properties this runner starts its connector with. */
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    private void launch() {
        options.events().starting();
        long gen = ++generation;
        engine = factory.create(properties, this::handleBatch, new DebeziumEngine.ConnectorCallback() {
            @Override
            public void taskStarted() {
                if (gen == generation) {
                    failuresInARow.set(0);
                    options.events().taskStarted();
                }
            }
        }, (success, message, error) -> onEngineStopped(gen, message, error));
        enter(State.RUNNING);
        executor.execute(engine);
    }

    private void handleBatch(java.util.List<ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        options.handler().accept(records);
        // Only now: the sink has the batch, so its position may be committed (ack before position).
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /**
     * On the connector's thread, without the runner's lock: {@link #stop} holds it while closing the engine, and
     * the engine reports its end from here.
     */
    private void onEngineStopped(long gen, String message, Throwable error) {
        if (gen != generation || !state.compareAndSet(State.RUNNING, State.RESTARTING)) {
            return;   // stopped on purpose
        }
        since = options.clock().instant();
        restarts.incrementAndGet();
        Duration wait = options.restart().delay(failuresInARow.incrementAndGet());
        options.events().failed(message, error, wait);
        try {
            restarter.schedule(() -> restart(gen), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile: nothing to restart
        }
    }

    private synchronized void restart(long gen) {
        if (gen != generation || state.get() != State.RESTARTING || !options.leading().getAsBoolean()) {
            return;   // stopped, restarted or no longer the leader meanwhile (the leadership hook stops us)
        }
        closeEngine();
        launch();
    }

    private void closeEngine() {
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> current = engine;
        engine = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing the Debezium engine of " + options.config().name() + " failed", e);
            }
        }
    }

    private void enter(State next) {
        state.set(next);
        since = options.clock().instant();
    }
}
