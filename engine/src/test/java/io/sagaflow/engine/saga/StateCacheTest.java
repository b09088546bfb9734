package io.sagaflow.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class StateCacheTest {

    private static SagaState at(UUID id, long seq, SagaStatus status) {
        SagaState empty = SagaState.empty(id);
        return new SagaState(id, seq, "f", 1, status, empty.input(), empty.steps(), empty.compensations(),
                empty.confirmations(), empty.messages(), empty.output(), empty.error());
    }

    @Test
    void aStateIsUsedOnlyAtTheSequenceNumberItWasCommittedAt() {
        StateCache cache = new StateCache(10);
        UUID id = UUID.randomUUID();
        cache.committed(at(id, 4, SagaStatus.RUNNING));

        assertThat(cache.at(id, 4)).isPresent();
        assertThat(cache.at(id, 5)).as("moved on elsewhere").isEmpty();
        assertThat(cache.at(id, 3)).as("a later commit of this node rolled back... or any mismatch").isEmpty();
        assertThat(cache.at(UUID.randomUUID(), 4)).isEmpty();
    }

    @Test
    void finishedSagasAreNotKeptAndTheLeastRecentlyUsedGoFirst() {
        StateCache cache = new StateCache(2);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        cache.committed(at(a, 1, SagaStatus.RUNNING));
        cache.committed(at(b, 1, SagaStatus.RUNNING));
        assertThat(cache.at(a, 1)).isPresent();   // a used: b is now the eldest
        cache.committed(at(c, 1, SagaStatus.RUNNING));
        assertThat(cache.at(b, 1)).isEmpty();
        assertThat(cache.at(a, 1)).isPresent();

        cache.committed(at(a, 2, SagaStatus.COMPLETED));
        assertThat(cache.at(a, 2)).isEmpty();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void sizeZeroKeepsNothing() {
        StateCache cache = new StateCache(0);
        UUID id = UUID.randomUUID();
        cache.committed(at(id, 1, SagaStatus.RUNNING));
        assertThat(cache.at(id, 1)).isEmpty();
    }
}
