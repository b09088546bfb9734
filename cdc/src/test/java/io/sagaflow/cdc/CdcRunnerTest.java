package io.sagaflow.cdc;

import io.sagaflow.loops.Backoff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.sagaflow.cdc.internal.EngineFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner's supervision, with engines that fail on demand instead of a database. */
class CdcRunnerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final CdcConfig CONFIG = new CdcConfig("test", "test",
            new Source.Postgres("127.0.0.1", 5432, "db", "u", "", "slot", "pub", Source.Publication.CREATED_UP_FRONT),
            "public.t", CdcConfig.SnapshotMode.NO_DATA, new OffsetStore.File(Path.of("offsets.dat")),
            Duration.ofMillis(10), Duration.ofSeconds(1), Map.of());

    private final List<FakeEngine> engines = new CopyOnWriteArrayList<>();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private volatile BatchHandler handler = records -> { };
    private CdcRunner runner;

    private CdcRunner runner(Backoff restart) {
        CdcRunner.Events log = new CdcRunner.Events() {
            @Override
            public void starting() {
                events.add("starting");
            }

            @Override
            public void taskStarted() {
                events.add("taskStarted");
            }

            @Override
            public void failed(String message, Throwable error, Duration restartIn) {
                events.add("failed: " + message + ", restart in " + restartIn.toMillis() + " ms");
            }
        };
        runner = new CdcRunner(new CdcRunner.Options(CONFIG, records -> handler.accept(records),
                Clock.fixed(T0, ZoneOffset.UTC), restart, "cdc-test", leading::get, log), factory());
        return runner;
    }

    private EngineFactory factory() {
        return (properties, consumer, connectorCallback, completion) -> {
            FakeEngine e = new FakeEngine(consumer, connectorCallback, completion);
            engines.add(e);
            return e;
        };
    }

    @AfterEach
    void close() {
        if (runner != null) {
            runner.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void startingTwiceRunsOneConnector() {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
        assertThat(r.status()).isEqualTo(new CdcRunner.Status(CdcRunner.State.STOPPED, T0, 0));

        r.start();
        r.start();

        assertThat(r.state()).isEqualTo(CdcRunner.State.RUNNING);
        assertThat(engines).hasSize(1);
        await().until(() -> events.contains("taskStarted"));
    }

    @Test
    void aConnectorThatStopsOnItsOwnIsRestartedAfterTheBackoffAndCounted() {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(300), Duration.ofSeconds(5)));
        r.start();
        await().until(() -> engines.get(0).started);

        engines.get(0).fail("connection lost");

        assertThat(r.state()).isEqualTo(CdcRunner.State.RESTARTING);
        assertThat(r.restarts()).isEqualTo(1);
        assertThat(engines).hasSize(1);   // not yet: the backoff
        await().atMost(Duration.ofSeconds(5)).until(() -> engines.size() == 2);
        assertThat(r.state()).isEqualTo(CdcRunner.State.RUNNING);
        assertThat(engines.get(0).closed).isTrue();
        assertThat(events).contains("failed: connection lost, restart in 300 ms");
    }

    @Test
    void failuresInARowWaitLongerAndATaskThatStartedResetsTheWait() {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(10), Duration.ofMillis(40)));
        FakeEngine.startTasks = false;
        try {
            r.start();
            for (int i = 0; i < 4; i++) {
                int n = i;
                await().until(() -> engines.size() == n + 1 && engines.get(n).running);
                engines.get(n).fail("down");
            }
            await().until(() -> engines.size() == 5 && engines.get(4).running);
            assertThat(events).filteredOn(e -> e.startsWith("failed"))
                    .containsExactly("failed: down, restart in 10 ms", "failed: down, restart in 20 ms",
                            "failed: down, restart in 40 ms", "failed: down, restart in 40 ms");

            engines.get(4).startTask();
            engines.get(4).fail("down again");
            await().until(() -> events.contains("failed: down again, restart in 10 ms"));
            assertThat(r.restarts()).isEqualTo(5);
        } finally {
            FakeEngine.startTasks = true;
        }
    }

    @Test
    void stoppingIsIdempotentAndAStoppedConnectorIsNotRestarted() {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
        r.start();
        await().until(() -> engines.get(0).running);

        r.stop();
        r.stop();

        assertThat(r.state()).isEqualTo(CdcRunner.State.STOPPED);
        assertThat(engines.get(0).closed).isTrue();
        // a restart would come 10 ms after a failure
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> engines.size() == 1);
        assertThat(r.restarts()).isZero();

        r.start();
        await().until(() -> engines.size() == 2);
        assertThat(r.state()).isEqualTo(CdcRunner.State.RUNNING);
    }

    @Test
    void noRestartOnceThisNodeNoLongerLeads() {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
        r.start();
        await().until(() -> engines.get(0).running);
        leading.set(false);

        engines.get(0).fail("slot taken");

        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> engines.size() == 1);
        assertThat(r.state()).isEqualTo(CdcRunner.State.RESTARTING);
        r.stop();   // what the leadership hook does when it gives the lock up
        assertThat(r.state()).isEqualTo(CdcRunner.State.STOPPED);
    }

    @Test
    void aBatchIsMarkedProcessedOnlyAfterTheSinkAcceptedIt() throws Exception {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
        List<String> sink = new CopyOnWriteArrayList<>();
        r.start();
        await().until(() -> engines.get(0).running);
        FakeEngine engine = engines.get(0);

        handler = records -> sink.add("accepted " + records.size());
        engine.deliver(2);
        assertThat(sink).containsExactly("accepted 2");
        assertThat(engine.committed).containsExactly("processed", "processed", "batchFinished");

        handler = records -> {
            throw new InterruptedException("stopping with an unacknowledged batch");
        };
        assertThatThrownBy(() -> engine.deliver(3)).isInstanceOf(InterruptedException.class);
        assertThat(engine.committed).containsExactly("processed", "processed", "batchFinished");
    }

    @Test
    void aClosedRunnerCannotBeStartedAgain() {
        CdcRunner r = runner(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)));
        r.close();
        r.close();
        assertThatThrownBy(r::start).hasMessage("cdc runner test is closed");
    }

    /** Runs until closed or told to fail; reports like Debezium's engine does. */
    private static final class FakeEngine implements DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> {
        static volatile boolean startTasks = true;
        final DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer;
        final DebeziumEngine.ConnectorCallback connectorCallback;
        final DebeziumEngine.CompletionCallback completion;
        final CountDownLatch end = new CountDownLatch(1);
        final List<String> committed = new CopyOnWriteArrayList<>();
        volatile boolean started;
        volatile boolean running;
        volatile boolean closed;
        volatile String failure;

        FakeEngine(DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer,
                   DebeziumEngine.ConnectorCallback connectorCallback, DebeziumEngine.CompletionCallback completion) {
            this.consumer = consumer;
            this.connectorCallback = connectorCallback;
            this.completion = completion;
        }

        @Override
        public void run() {
            running = true;
            if (startTasks) {
                startTask();
            }
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running = false;
            if (failure != null) {
                completion.handle(false, failure, new IllegalStateException(failure));
            } else {
                completion.handle(true, "closed", null);
            }
        }

        void startTask() {
            started = true;
            connectorCallback.taskStarted();
        }

        void fail(String message) {
            failure = message;
            end.countDown();
            await().until(() -> !running);
        }

        void deliver(int n) throws InterruptedException {
            List<ChangeEvent<SourceRecord, SourceRecord>> records = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                records.add(new ChangeEvent<>() {
                    @Override
                    public SourceRecord key() {
                        return null;
                    }

                    @Override
                    public SourceRecord value() {
                        return null;
                    }

                    @Override
                    public String destination() {
                        return "t";
                    }

                    @Override
                    public Integer partition() {
                        return null;
                    }
                });
            }
            consumer.handleBatch(records, new DebeziumEngine.RecordCommitter<>() {
                @Override
                public void markProcessed(ChangeEvent<SourceRecord, SourceRecord> record) {
                    committed.add("processed");
                }

                @Override
                public void markBatchFinished() {
                    committed.add("batchFinished");
                }

                @Override
                public void markProcessed(ChangeEvent<SourceRecord, SourceRecord> record, DebeziumEngine.Offsets offsets) {
                    committed.add("processed");
                }

                @Override
                public DebeziumEngine.Offsets buildOffsets() {
                    return null;
                }
            });
        }

        @Override
        public void close() {
            closed = true;
            end.countDown();
        }
    }
}
