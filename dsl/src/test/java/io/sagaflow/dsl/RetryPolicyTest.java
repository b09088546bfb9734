package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static RetryPolicy policy(Backoff backoff, long initialMillis, long maxMillis, double jitter) {
        return new RetryPolicy(5, backoff, Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis), jitter);
    }

    @Test
    void fixedBackoffWaitsTheInitialDelayBeforeEveryAttempt() {
        RetryPolicy fixed = policy(Backoff.FIXED, 500, 10_000, 0);

        assertThat(fixed.delayBefore(2, 0.5)).isEqualTo(Duration.ofMillis(500));
        assertThat(fixed.delayBefore(3, 0.5)).isEqualTo(Duration.ofMillis(500));
        assertThat(fixed.delayBefore(50, 0.5)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void exponentialBackoffDoublesFromTheInitialDelay() {
        RetryPolicy exponential = policy(Backoff.EXPONENTIAL, 200, 10_000, 0);

        assertThat(exponential.delayBefore(2, 0)).isEqualTo(Duration.ofMillis(200));
        assertThat(exponential.delayBefore(3, 0)).isEqualTo(Duration.ofMillis(400));
        assertThat(exponential.delayBefore(4, 0)).isEqualTo(Duration.ofMillis(800));
        assertThat(exponential.delayBefore(7, 0)).isEqualTo(Duration.ofMillis(6_400));
    }

    @Test
    void exponentialBackoffIsCappedByMaxDelayWithoutOverflowing() {
        RetryPolicy exponential = policy(Backoff.EXPONENTIAL, 200, 10_000, 0);

        assertThat(exponential.delayBefore(8, 0)).isEqualTo(Duration.ofSeconds(10)); // 12.8s capped
        assertThat(exponential.delayBefore(100, 0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(exponential.delayBefore(Integer.MAX_VALUE, 0)).isEqualTo(Duration.ofSeconds(10));
        // the longest delays a flow can spell: 1h doubling towards 999999999h
        RetryPolicy longest = policy(Backoff.EXPONENTIAL, 3_600_000, Duration.ofHours(999_999_999).toMillis(), 0);
        assertThat(longest.delayBefore(60, 0)).isEqualTo(Duration.ofHours(999_999_999));
    }

    @Test
    void jitterSpreadsEachWaitOverPlusOrMinusItsFractionOfTheDelay() {
        RetryPolicy jittered = policy(Backoff.FIXED, 1_000, 1_000, 0.2);

        assertThat(jittered.delayBefore(2, 0)).isEqualTo(Duration.ofMillis(800));
        assertThat(jittered.delayBefore(2, 0.5)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(jittered.delayBefore(2, 0.999_999)).isEqualTo(Duration.ofMillis(1_200));
        for (int i = 0; i < 1_000; i++) {
            double unit = i / 1_000.0;
            assertThat(jittered.delayBefore(3, unit)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1_200));
        }
    }

    @Test
    void jitterAppliesAfterTheCapSoAWaitMayExceedMaxDelayByTheJitterFraction() {
        RetryPolicy capped = policy(Backoff.EXPONENTIAL, 1_000, 4_000, 0.5);

        assertThat(capped.delayBefore(10, 0)).isEqualTo(Duration.ofMillis(2_000));
        assertThat(capped.delayBefore(10, 0.999_999)).isEqualTo(Duration.ofMillis(6_000));
    }

    @Test
    void fullJitterCanWaitNothingButNeverLessThanNothing() {
        RetryPolicy full = policy(Backoff.FIXED, 1_000, 1_000, 1);

        assertThat(full.delayBefore(2, 0)).isEqualTo(Duration.ZERO);
        assertThat(full.delayBefore(2, 0.999_999)).isEqualTo(Duration.ofMillis(2_000));
    }

    @Test
    void refusesTheFirstAttemptBecauseNothingWaitsBeforeIt() {
        assertThatThrownBy(() -> RetryPolicy.DEFAULT.delayBefore(1, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nextAttempt must be >= 2, was 1");
    }

    @Test
    void saysWhatIsWrongWhenConstructedWithBadValues() {
        assertThatThrownBy(() -> new RetryPolicy(0, Backoff.FIXED, Duration.ZERO, Duration.ZERO, 0))
                .hasMessage("retry.maxAttempts must be >= 1, was 0");
        assertThatThrownBy(() -> policy(Backoff.FIXED, 2_000, 1_000, 0))
                .hasMessage("retry.maxDelay must be >= initialDelay (PT2S), was PT1S");
        assertThatThrownBy(() -> policy(Backoff.FIXED, 1_000, 1_000, 1.5))
                .hasMessage("retry.jitter must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> policy(Backoff.FIXED, 1_000, 1_000, Double.NaN))
                .hasMessage("retry.jitter must be in [0, 1], was NaN");
    }

    @Test
    void defaultMatchesTheSpec() {
        assertThat(RetryPolicy.DEFAULT)
                .isEqualTo(new RetryPolicy(3, Backoff.EXPONENTIAL, Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }
}
