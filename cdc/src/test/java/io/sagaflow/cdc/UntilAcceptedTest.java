package io.sagaflow.cdc;

import io.sagaflow.loops.Backoff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UntilAcceptedTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void retriesASinkThatIsDownWithGrowingWaitsUntilItAccepts() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Duration> waits = new ArrayList<>();

        new UntilAccepted(FAST, () -> true, "stopping").run(() -> {
            if (calls.incrementAndGet() < 5) {
                throw new IllegalStateException("Redis down");
            }
        }, (e, retryIn) -> waits.add(retryIn));

        assertThat(calls).hasValue(5);
        assertThat(waits).extracting(Duration::toMillis).containsExactly(1L, 2L, 4L, 4L);
    }

    @Test
    void givesUpWithoutMovingThePositionOnceTheOwnerStops() {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> new UntilAccepted(FAST, running::get, "relay stopping with an unacknowledged batch")
                .run(() -> {
                    if (calls.incrementAndGet() == 3) {
                        running.set(false);
                    }
                    throw new IllegalStateException("Kafka down");
                }, (e, retryIn) -> { }))
                .isInstanceOf(InterruptedException.class)
                .hasMessage("relay stopping with an unacknowledged batch");
        assertThat(calls).hasValue(3);
    }
}
