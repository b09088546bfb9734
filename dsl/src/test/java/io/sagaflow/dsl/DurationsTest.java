package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"150ms, 150", "2s, 2000", "5m, 300000", "1h, 3600000", "0ms, 0", "' 2s ', 2000", "999999999h, 3599999996400000"})
    void parsesTheFlowSpellings(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"2", "1.5s", "-1s", "2S", "2 s", "30 sec", "1d", "PT2S", "s", "1234567890s", "2s5ms"})
    void refusesEverythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"1500, 1500ms", "2000, 2s", "90000, 90s", "120000, 2m", "5400000, 90m", "7200000, 2h", "0, 0ms", "1, 1ms"})
    void formatsInTheShortestSpelling(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @Test
    void formatAndParseRoundTrip() {
        for (long millis : new long[] {0, 1, 999, 1_000, 59_000, 60_000, 61_000, 3_600_000, 86_400_000}) {
            Duration d = Duration.ofMillis(millis);
            assertThat(Durations.parse(Durations.format(d))).contains(d);
        }
    }
}
