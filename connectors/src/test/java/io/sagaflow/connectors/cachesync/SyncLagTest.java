package io.sagaflow.connectors.cachesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncLagTest {

    private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        long millis = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final TestClock clock = new TestClock();
    private final SyncLag lag = new SyncLag(clock);

    @Test
    void noLagBeforeTheFirstBatch() {
        assertThat(lag.millis()).isZero();
    }

    @Test
    void aBatchWaitingForRedisLagsByTheAgeOfItsOldestChangeAndKeepsGrowing() {
        lag.pending(List.of(T0 - 300, T0 - 1_000, T0 - 50));
        assertThat(lag.millis()).isEqualTo(1_000);

        clock.millis += Duration.ofSeconds(5).toMillis();   // Redis is down
        assertThat(lag.millis()).isEqualTo(6_000);
    }

    @Test
    void anAcknowledgedBatchLeavesItsLagAndRecordsEachChangesCommitToVisibleTime() {
        List<Long> commits = List.of(T0 - 40, T0 - 10);
        lag.pending(commits);
        clock.millis += 5;
        List<Long> visible = new ArrayList<>();

        lag.acknowledged(commits, visible::add);

        assertThat(visible).containsExactly(45L, 15L);
        assertThat(lag.millis()).isEqualTo(45);
        clock.millis += 60_000;   // quiet source: the last batch's lag stands
        assertThat(lag.millis()).isEqualTo(45);
    }

    @Test
    void aSnapshotBatchHasNoCommitTimesAndResetsTheLag() {
        lag.pending(List.of(T0 - 500));
        lag.acknowledged(List.of(T0 - 500), v -> { });
        lag.pending(List.of());
        lag.acknowledged(List.of(), v -> { });
        assertThat(lag.millis()).isZero();
    }

    @Test
    void aCommitStampedAfterTheLocalClockCountsAsVisibleAtOnce() {
        lag.pending(List.of(T0 + 20));
        List<Long> visible = new ArrayList<>();
        lag.acknowledged(List.of(T0 + 20), visible::add);
        assertThat(visible).containsExactly(0L);
    }
}
