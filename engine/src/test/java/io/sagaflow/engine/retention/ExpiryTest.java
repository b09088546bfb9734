package io.sagaflow.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpiryTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void withoutOverridesEverythingIsKeptForTheDefaultPeriod() {
        List<Expiry.Cutoff> cutoffs = new Expiry(Duration.ofDays(30), Map.of()).at(NOW);

        assertThat(cutoffs).containsExactly(new Expiry.Cutoff(Optional.empty(), Instant.parse("2026-11-05T12:00:00Z"), List.of()));
    }

    @Test
    void aFlowWithItsOwnPeriodGetsItsCutoffAndIsLeftOutOfTheDefault() {
        List<Expiry.Cutoff> cutoffs = new Expiry(Duration.ofDays(30),
                Map.of("payments", Duration.ofDays(365), "clicks", Duration.ofHours(1))).at(NOW);

        assertThat(cutoffs).containsExactly(
                new Expiry.Cutoff(Optional.of("clicks"), NOW.minus(Duration.ofHours(1)), List.of("clicks", "payments")),
                new Expiry.Cutoff(Optional.of("payments"), NOW.minus(Duration.ofDays(365)), List.of("clicks", "payments")),
                new Expiry.Cutoff(Optional.empty(), NOW.minus(Duration.ofDays(30)), List.of("clicks", "payments")));
    }

    @Test
    void aPeriodThatKeepsNothingIsRefusedWithTheKeyToFix() {
        assertThatThrownBy(() -> new Expiry(Duration.ZERO, Map.of()))
                .hasMessage("sagaflow.retention.keep must be positive, was PT0S");
        assertThatThrownBy(() -> new Expiry(Duration.ofDays(1), Map.of("x", Duration.ofSeconds(-1))))
                .hasMessage("sagaflow.retention.flows.\"x\" must be positive, was PT-1S");
    }
}
