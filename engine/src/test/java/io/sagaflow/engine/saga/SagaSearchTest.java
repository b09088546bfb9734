package io.sagaflow.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagaSearchTest {

    @Test
    void aUuidIsASagaId() {
        UUID id = UUID.randomUUID();
        assertThat(SagaSearch.parse(" " + id + " ")).isEqualTo(new SagaSearch.ById(id));
    }

    @Test
    void textWithoutAnEqualsSignIsAnIdempotencyKey() {
        assertThat(SagaSearch.parse("checkout-o-1")).isEqualTo(new SagaSearch.ByIdempotencyKey("checkout-o-1"));
        assertThat(SagaSearch.parse("=x")).isEqualTo(new SagaSearch.ByIdempotencyKey("=x"));
        assertThat(SagaSearch.parse("x=")).isEqualTo(new SagaSearch.ByIdempotencyKey("x="));
    }

    @Test
    void keyEqualsTextLooksForThatStringInTheInput() {
        SagaSearch.ByInput search = (SagaSearch.ByInput) SagaSearch.parse("orderId=o-1");
        assertThat(search.anyOf()).extracting(Object::toString).containsExactly("{\"orderId\":\"o-1\"}");
    }

    @Test
    void aNumberMatchesTheNumberOrTheSameTextUnlessQuoted() {
        SagaSearch.ByInput number = (SagaSearch.ByInput) SagaSearch.parse("amount=42");
        assertThat(number.anyOf()).extracting(Object::toString).containsExactly("{\"amount\":42}", "{\"amount\":\"42\"}");
        SagaSearch.ByInput quoted = (SagaSearch.ByInput) SagaSearch.parse("amount=\"42\"");
        assertThat(quoted.anyOf()).extracting(Object::toString).containsExactly("{\"amount\":\"42\"}");
        SagaSearch.ByInput flag = (SagaSearch.ByInput) SagaSearch.parse("vip=true");
        assertThat(flag.anyOf()).extracting(Object::toString).containsExactly("{\"vip\":true}", "{\"vip\":\"true\"}");
    }

    @Test
    void dotsLookIntoNestedObjects() {
        SagaSearch.ByInput search = (SagaSearch.ByInput) SagaSearch.parse("customer.address.city = Lyon");
        assertThat(search.anyOf()).extracting(Object::toString).containsExactly("{\"customer\":{\"address\":{\"city\":\"Lyon\"}}}");
    }

    @Test
    void changeNoticesStayUnderPostgresPayloadLimitAndNameEverySagaOnce() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ids.add(UUID.randomUUID());
        }
        var notices = SagaStore.changeNotices(ids);
        assertThat(notices).hasSizeGreaterThan(1);
        List<String> named = new ArrayList<>();
        notices.forEach(t -> {
            assertThat(t.getString(0)).isEqualTo(SagaStore.CHANGE_CHANNEL);
            assertThat(t.getString(1).length()).isLessThan(8000);
            named.addAll(List.of(t.getString(1).split(",")));
        });
        assertThat(named).containsExactlyElementsOf(ids.stream().map(UUID::toString).toList());
        assertThat(SagaStore.changeNotices(List.of())).isEmpty();
    }
}
