package io.sagaflow.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.internal.DomainFailure;
import org.junit.jupiter.api.Test;

class QueryValuesTest {

    @Test
    void aBadParameterIsA400NamedInKebabCaseWhateverTheParametersSpelling() {
        // found by GeneratedRequestsIT: ?flowVersion=9223372036854775808 was a 500 (the code was not kebab case)
        assertThatThrownBy(() -> QueryValues.optionalInt("flowVersion", "9223372036854775808"))
                .isInstanceOf(DomainFailure.Invalid.class).extracting(e -> ((DomainFailure) e).code())
                .isEqualTo("invalid-flow-version");
        assertThat(QueryValues.invalid("limit")).isEqualTo("invalid-limit");
        assertThat(QueryValues.optionalInt("flowVersion", " ")).isEmpty();
    }
}
