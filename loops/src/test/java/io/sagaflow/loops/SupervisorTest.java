package io.sagaflow.loops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(20), Duration.ofMillis(80));

    @Test
    void aLoopThatFailsIsRestartedAfterTheBackoffAndEachFailureIsReported() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(1);
        List<Duration> waits = new CopyOnWriteArrayList<>();
        List<Long> startedAt = new CopyOnWriteArrayList<>();
        Supervisor s = new Supervisor("test-loop", FAST, running -> {
            startedAt.add(System.nanoTime());
            if (runs.incrementAndGet() <= 2) {
                throw new IllegalStateException("boom " + runs.get());
            }
            third.countDown();
            while (running.getAsBoolean()) {
                Thread.sleep(5);
            }
        }, new Supervisor.Listener() {
            @Override
            public void failed(String name, Throwable failure, Duration in) {
                waits.add(in);
            }
        }, Clock.systemUTC());

        s.start();
        assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();

        Supervisor.Status status = s.status();
        assertThat(status.state()).isEqualTo(Supervisor.State.RUNNING);
        assertThat(status.restarts()).isEqualTo(2);
        assertThat(status.lastFailure()).contains("java.lang.IllegalStateException: boom 2");
        assertThat(waits).containsExactly(Duration.ofMillis(20), Duration.ofMillis(40));
        assertThat(Duration.ofNanos(startedAt.get(1) - startedAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        assertThat(Duration.ofNanos(startedAt.get(2) - startedAt.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(40));

        s.stop(Duration.ofSeconds(5));
        assertThat(s.status().state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(runs.get()).isEqualTo(3);
    }

    @Test
    void aLoopThatReturnsWhileItShouldRunCountsAsAFailure() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch twice = new CountDownLatch(2);
        Supervisor s = new Supervisor("returns", FAST, running -> {
            runs.incrementAndGet();
            twice.countDown();
        }, new Supervisor.Listener() { }, Clock.systemUTC());
        s.start();
        assertThat(twice.await(5, TimeUnit.SECONDS)).isTrue();
        s.stop(Duration.ofSeconds(5));
        assertThat(s.status().lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("returned while it should still run"));
        assertThat(s.status().state()).isEqualTo(Supervisor.State.STOPPED);
    }

    @Test
    void stopEndsARestartWaitAtOnceAndAFailureCausedByStoppingIsNotCounted() throws Exception {
        Supervisor s = new Supervisor("slow-backoff", new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)), running -> {
            throw new IllegalStateException("always");
        }, new Supervisor.Listener() { }, Clock.systemUTC());
        s.start();
        Thread.sleep(100);
        assertThat(s.status().state()).isEqualTo(Supervisor.State.RESTARTING);
        assertThat(s.healthy()).isFalse();
        long t0 = System.nanoTime();
        s.stop(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(s.status().state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(s.status().restarts()).isZero();
        s.stop(Duration.ofSeconds(1));   // idempotent
    }
}
