package io.sagaflow.connectors.cachesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReconcileScheduleTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    @Test
    void aNewOwnerReconcilesOnePeriodAfterTakingTheSyncThenEveryPeriod() {
        ReconcileSchedule schedule = new ReconcileSchedule(Duration.ofMinutes(10), clock);
        assertThat(schedule.due()).isFalse();   // just took over
        advance(Duration.ofMinutes(10));
        assertThat(schedule.due()).isFalse();   // not after yet
        advance(Duration.ofMillis(1));
        assertThat(schedule.due()).isTrue();
        assertThat(schedule.due()).isFalse();   // once per period
        advance(Duration.ofMinutes(9));
        assertThat(schedule.due()).isFalse();
        advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(schedule.due()).isTrue();
    }

    @Test
    void aLongPauseGivesOneReconcileNotOnePerMissedPeriod() {
        ReconcileSchedule schedule = new ReconcileSchedule(Duration.ofMinutes(1), clock);
        schedule.due();
        advance(Duration.ofHours(1));
        assertThat(schedule.due()).isTrue();
        assertThat(schedule.due()).isFalse();
    }

    @Test
    void refusesAPeriodOfZero() {
        assertThatThrownBy(() -> new ReconcileSchedule(Duration.ZERO, clock))
                .hasMessage("reconcile.every must be > 0, was PT0S");
    }
}
