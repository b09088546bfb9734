package io.sagaflow.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PagingTest {

    private static final Instant T = Instant.parse("2026-12-04T10:15:30.123456Z");

    record Item(Instant createdAt, UUID id) {
    }

    private static PageCursor cursorOf(Item i) {
        return new PageCursor(i.createdAt(), i.id());
    }

    @Test
    void theNextCursorOfAPageIsAcceptedAsAfterAndPointsAtItsLastItem() {
        UUID id = UUID.randomUUID();
        String next = new PageCursor(T, id).encode();

        PageRequest request = PageRequest.of(next, 20);

        assertThat(request.after()).contains(new PageCursor(T, id));
        assertThat(next).doesNotContain("=", "+", "/");
    }

    @Test
    void aCursorThatIsNotOursIsRefusedAsInvalid() {
        for (String bad : List.of("", "not-a-cursor", "MjAyNnwx", "%%%")) {
            assertThatThrownBy(() -> PageRequest.of(bad, 10))
                    .isInstanceOfSatisfying(DomainFailure.Invalid.class,
                            f -> assertThat(f.code()).isEqualTo("invalid-cursor"));
        }
    }

    @Test
    void limitIsOneToFiveHundred() {
        assertThat(PageRequest.of(null, 1).limit()).isEqualTo(1);
        assertThat(PageRequest.of(null, 500).limit()).isEqualTo(500);
        for (int bad : new int[] {0, -1, 501, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> PageRequest.of(null, bad))
                    .isInstanceOfSatisfying(DomainFailure.Invalid.class, f -> {
                        assertThat(f.code()).isEqualTo("invalid-limit");
                        assertThat(f.getMessage()).contains("1 to 500", "was " + bad);
                    });
        }
    }

    @Test
    void aQueryFetchesOneMoreThanThePageToKnowWhetherAnotherFollows() {
        PageRequest request = PageRequest.of(null, 2);
        List<Item> fetched = List.of(new Item(T, UUID.randomUUID()), new Item(T.minusSeconds(1), UUID.randomUUID()),
                new Item(T.minusSeconds(2), UUID.randomUUID()));

        Page<Item> page = Page.of(fetched, request, PagingTest::cursorOf);

        assertThat(request.fetchSize()).isEqualTo(3);
        assertThat(page.items()).containsExactly(fetched.get(0), fetched.get(1));
        assertThat(PageRequest.of(page.next(), 2).after()).contains(cursorOf(fetched.get(1)));
    }

    @Test
    void theLastPageHasNoNext() {
        PageRequest request = PageRequest.of(null, 2);
        List<Item> fetched = List.of(new Item(T, UUID.randomUUID()), new Item(T.minusSeconds(1), UUID.randomUUID()));

        assertThat(Page.of(fetched, request, PagingTest::cursorOf).next()).isNull();
        assertThat(Page.of(List.<Item>of(), request, PagingTest::cursorOf).items()).isEmpty();
    }

    @Test
    void theCursorConditionBindsItsValuesAfterTheFiltersParameters() {
        UUID id = UUID.randomUUID();
        Tuple params = Tuple.tuple().addValue("FAILED");
        StringBuilder sql = new StringBuilder("SELECT * FROM saga WHERE status = $1");

        new PageRequest(Optional.of(new PageCursor(T, id)), 10).appendTo(sql, params);

        assertThat(sql).hasToString("SELECT * FROM saga WHERE status = $1 AND (created_at, id) < ($2, $3)");
        assertThat(params.size()).isEqualTo(3);
        assertThat(params.getValue(2)).isEqualTo(id);
    }

    @Test
    void withoutACursorNothingIsAppended() {
        StringBuilder sql = new StringBuilder("SELECT 1");
        PageRequest.of(null, 10).appendTo(sql, Tuple.tuple());
        assertThat(sql).hasToString("SELECT 1");
    }
}
