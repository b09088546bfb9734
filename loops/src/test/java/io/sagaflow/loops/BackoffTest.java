package io.sagaflow.loops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(b::delay).map(Duration::toMillis))
                .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
    }

    @Test
    void staysAtTheMaximumForAVeryLongOutage() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aFixedDelayIsABackoffWhoseMaximumIsItsStart() {
        Backoff fixed = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(IntStream.rangeClosed(1, 4).mapToObj(fixed::delay)).containsOnly(Duration.ofSeconds(2));
    }

    @Test
    void refusesAMaximumBelowTheStartAndAZeroStart() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("backoff max must be >= initial (PT2S), was PT1S");
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessage("backoff initial must be > 0, was PT0S");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).delay(0))
                .hasMessage("backoff attempt must be >= 1, was 0");
    }
}
