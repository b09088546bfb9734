package io.sagaflow.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.wire.HttpProtection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The arithmetic of held-back calls; the guards themselves run in the engine's HttpProtectionIT. */
class ParticipantGuardsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aCallRefusedByAnOpenCircuitComesBackWhenTheCircuitHalfOpens() {
        Duration delay = Duration.ofSeconds(10);
        assertThat(ParticipantGuards.circuitRetryAfter(delay, Optional.of(T0), T0.plusSeconds(4), 0))
                .isEqualTo(Duration.ofSeconds(6));
        assertThat(ParticipantGuards.circuitRetryAfter(delay, Optional.empty(), T0, 0)).isEqualTo(delay);
    }

    @Test
    void callsRefusedTogetherAreSpreadOverAFifthOfTheirWait() {
        Duration wait = ParticipantGuards.circuitRetryAfter(Duration.ofSeconds(10), Optional.of(T0), T0, 0.999);
        assertThat(wait).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(12));
    }

    @Test
    void aHalfOpenCircuitStillWaitsTheLeastDelay() {
        assertThat(ParticipantGuards.circuitRetryAfter(Duration.ofSeconds(1), Optional.of(T0), T0.plusSeconds(5), 0))
                .isEqualTo(ParticipantGuards.MIN_RETRY);
    }

    @Test
    void aNodeTakesItsPartOfTheRateLimitKeepingTheRate() {
        HttpProtection.Rate fifty = new HttpProtection.Rate(50, 1000);
        assertThat(ParticipantGuards.shareOf(fifty, 1.0)).isEqualTo(fifty);
        HttpProtection.Rate third = ParticipantGuards.shareOf(fifty, 1.0 / 3);
        assertThat(third.permits()).isEqualTo(17);
        assertThat(third.permits() * 1000.0 / third.perMs()).isCloseTo(50.0 / 3, org.assertj.core.data.Offset.offset(0.1));
        HttpProtection.Rate oneOfThree = ParticipantGuards.shareOf(new HttpProtection.Rate(1, 1000), 1.0 / 3);
        assertThat(oneOfThree).isEqualTo(new HttpProtection.Rate(1, 3000));
    }
}
