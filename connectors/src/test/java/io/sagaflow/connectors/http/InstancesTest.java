package io.sagaflow.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstancesTest {

    private static final List<String> ABC = List.of("http://a/x", "http://b/x", "http://c/x");
    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");

    private final Instances instances = new Instances(Duration.ofSeconds(5), Duration.ofSeconds(60));

    @Test
    void callsGoRoundRobinOverTheInstances() {
        List<String> firsts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<String> order = instances.order(ABC, T0);
            assertThat(order).containsExactlyInAnyOrderElementsOf(ABC);
            firsts.add(order.get(0));
        }
        assertThat(firsts).containsExactly("http://a/x", "http://b/x", "http://c/x", "http://a/x", "http://b/x", "http://c/x");
    }

    @Test
    void aFailedInstanceIsEjectedTriedLastAndReadmittedAfterItsPeriod() {
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            List<String> order = instances.order(ABC, T0.plusSeconds(1));
            assertThat(order.get(0)).isNotEqualTo("http://b/x");
            assertThat(order.get(2)).as("ejected: only as a last resort").isEqualTo("http://b/x");
        }
        List<String> firsts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            firsts.add(instances.order(ABC, T0.plusSeconds(5)).get(0));
        }
        assertThat(firsts).as("readmitted").contains("http://b/x");
    }

    @Test
    void failuresInARowDoubleTheEjectionUpToTheMaximumAndAnAnswerClearsThem() {
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(40));
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(60));
        instances.answered("http://b/x");
        assertThat(instances.failed("http://b/x", T0)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void withEveryInstanceEjectedTheOneReadmittedSoonestIsTriedFirst() {
        instances.failed("http://a/x", T0);
        instances.failed("http://a/x", T0);          // 10 s
        instances.failed("http://b/x", T0.plusSeconds(2));   // until T0 + 7 s
        instances.failed("http://c/x", T0);          // until T0 + 5 s
        assertThat(instances.order(ABC, T0.plusSeconds(3)))
                .containsExactly("http://c/x", "http://b/x", "http://a/x");
    }

    @Test
    void oneInstanceIsAlwaysTried() {
        instances.failed("http://a/x", T0);
        assertThat(instances.order(List.of("http://a/x"), T0)).containsExactly("http://a/x");
    }
}
