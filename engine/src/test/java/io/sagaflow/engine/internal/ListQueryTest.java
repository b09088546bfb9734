package io.sagaflow.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListQueryTest {

    @Test
    void absentFiltersAddNothingAndPresentOnesBindTheirValuesInOrder() {
        ListQuery q = ListQuery.newestFirst("message", "id, status")
                .equal("status", Optional.of("PREPARED"))
                .equal("flow", Optional.empty())
                .and(params -> "reason = $" + params.addValue("r").size());

        assertThat(q.sql()).isEqualTo("SELECT id, status FROM message WHERE TRUE AND status = $1 AND (reason = $2)");
    }
}
