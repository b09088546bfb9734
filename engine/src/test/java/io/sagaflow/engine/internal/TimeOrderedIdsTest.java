package io.sagaflow.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    private static final Instant T = Instant.parse("2026-12-05T23:50:01.234Z");

    @Test
    void isAVersion7UuidOfTheIetfVariantThatCarriesItsMillisecond() {
        UUID id = TimeOrderedIds.next(T);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(TimeOrderedIds.timeOf(id)).isEqualTo(T);
        // the text form starts with the time: 48 bits of milliseconds in hex
        assertThat(id.toString().replace("-", "")).startsWith(String.format("%012x", T.toEpochMilli()));
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsPostgreSqlComparesThem() {
        List<String> inOrderOfTime = new ArrayList<>();
        for (int ms = 0; ms < 1000; ms += 7) {
            inOrderOfTime.add(TimeOrderedIds.next(T.plusMillis(ms)).toString());
        }
        // PostgreSQL orders uuid values byte by byte, as the lowercase text compares
        assertThat(inOrderOfTime).isSorted();
    }

    @Test
    void idsOfTheSameMillisecondDifferInTheirRandomBits() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TimeOrderedIds.next(T));
        }
        assertThat(ids).hasSize(100_000);
        assertThat(ids).allSatisfy(id -> assertThat(TimeOrderedIds.timeOf(id)).isEqualTo(T));
    }

    @Test
    void refusesTimesAVersion7UuidCannotHold() {
        assertThatThrownBy(() -> TimeOrderedIds.next(Instant.ofEpochMilli(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 7");
        assertThatThrownBy(() -> TimeOrderedIds.timeOf(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a version 7 UUID");
    }
}
