package io.sagaflow.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WriteRateLimitTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private final WriteRateLimit limit = new WriteRateLimit();
    private final WriteRateLimit.Allowance twoPerSecondBurstThree = new WriteRateLimit.Allowance(2, 3);

    @Test
    void aBurstIsAllowedThenTheRateAndARefusalSaysWhenToComeBack() {
        for (int i = 0; i < 3; i++) {
            assertThat(limit.take("shop", twoPerSecondBurstThree, T0)).as("change %d of the burst", i + 1).isEmpty();
        }
        assertThat(limit.take("shop", twoPerSecondBurstThree, T0)).contains(Duration.ofMillis(500));
        assertThat(limit.take("shop", twoPerSecondBurstThree, T0.plusMillis(250))).contains(Duration.ofMillis(250));
        assertThat(limit.take("shop", twoPerSecondBurstThree, T0.plusMillis(500))).isEmpty();
        assertThat(limit.take("shop", twoPerSecondBurstThree, T0.plusMillis(500))).isPresent();
    }

    @Test
    void principalsHaveTheirOwnBuckets() {
        for (int i = 0; i < 3; i++) {
            limit.take("shop", twoPerSecondBurstThree, T0);
        }
        assertThat(limit.take("shop", twoPerSecondBurstThree, T0)).isPresent();
        assertThat(limit.take("olga", twoPerSecondBurstThree, T0)).isEmpty();
    }

    @Test
    void anIdleBucketRefillsOnlyUpToTheBurst() {
        limit.take("shop", twoPerSecondBurstThree, T0);
        Instant later = T0.plus(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertThat(limit.take("shop", twoPerSecondBurstThree, later)).isEmpty();
        }
        assertThat(limit.take("shop", twoPerSecondBurstThree, later)).isPresent();
    }

    @Test
    void aClockThatStepsBackTakesNothingExtra() {
        for (int i = 0; i < 3; i++) {
            limit.take("shop", twoPerSecondBurstThree, T0);
        }
        assertThat(limit.take("shop", twoPerSecondBurstThree, T0.minusSeconds(10))).isPresent();
    }

    @Test
    void aZeroRateIsAConfigurationError() {
        assertThatThrownBy(() -> new WriteRateLimit.Allowance(0, 10)).hasMessageContaining("perSecond > 0");
    }
}
