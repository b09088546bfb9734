package io.sagaflow.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noHeaderMeansNoKey() {
        assertThat(IdempotencyKey.fromHeader(null)).isEmpty();
    }

    @Test
    void aKeyIsOneToTwoHundredCharacters() {
        assertThat(IdempotencyKey.fromHeader("k").orElseThrow().value()).isEqualTo("k");
        assertThat(IdempotencyKey.fromHeader("x".repeat(200))).isPresent();
        for (String bad : new String[] {"", "   ", "x".repeat(201)}) {
            assertThatThrownBy(() -> IdempotencyKey.fromHeader(bad))
                    .isInstanceOfSatisfying(DomainFailure.Invalid.class,
                            f -> assertThat(f.code()).isEqualTo("invalid-idempotency-key"));
        }
    }

    @Test
    void bodiesThatDifferOnlyInKeyOrderHaveOneFingerprint() throws Exception {
        String a = IdempotentCreate.fingerprint(JSON, JSON.readTree(
                "{\"flow\":\"f\",\"input\":{\"b\":1,\"a\":{\"y\":[1,2],\"x\":null}}}"));
        String b = IdempotentCreate.fingerprint(JSON, JSON.readTree(
                "{\"input\":{\"a\":{\"x\":null,\"y\":[1,2]},\"b\":1},\"flow\":\"f\"}"));
        String other = IdempotentCreate.fingerprint(JSON, JSON.readTree(
                "{\"input\":{\"a\":{\"x\":null,\"y\":[2,1]},\"b\":1},\"flow\":\"f\"}"));

        assertThat(a).isEqualTo(b).hasSize(64);
        assertThat(other).as("array order is data").isNotEqualTo(a);
    }
}
