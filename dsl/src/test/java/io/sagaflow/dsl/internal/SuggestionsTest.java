package io.sagaflow.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

    private static final List<String> STEP_KEYS = List.of("name", "participant", "action", "compensation", "input");

    @ParameterizedTest
    @CsvSource({"kitten, sitting, 3", "'', abc, 3", "abc, abc, 0", "acton, action, 1", "actoin, action, 2",
            "participnat, participant, 2", "flaw, lawn, 2"})
    void measuresLevenshteinDistance(String a, String b, int distance) {
        assertThat(Suggestions.distance(a, b)).isEqualTo(distance);
        assertThat(Suggestions.distance(b, a)).isEqualTo(distance);
    }

    @Test
    void suggestsTheNearestKnownWordWithinTwoEdits() {
        assertThat(Suggestions.closest("partcipant", STEP_KEYS)).contains("participant");
        assertThat(Suggestions.closest("actoin", STEP_KEYS)).contains("action");
        assertThat(Suggestions.closest("Name", STEP_KEYS)).contains("name");
        assertThat(Suggestions.closest("compensate", STEP_KEYS)).isEmpty();
        assertThat(Suggestions.closest("x", STEP_KEYS)).isEmpty();
        assertThat(Suggestions.closest("a".repeat(10_000), STEP_KEYS)).isEmpty();
    }

    @Test
    void slugsNamesIntoTheirValidSpelling() {
        assertThat(Names.slug("Order_Checkout")).contains("order-checkout");
        assertThat(Names.slug("createOrder")).contains("create-order");
        assertThat(Names.slug("order-checkout")).isEmpty();
        assertThat(Names.slug("!!!")).isEmpty();
    }
}
