package io.sagaflow.engine.saga;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The last committed state of recently moved sagas on this node, so that applying a reply does not replay the saga's
 * whole history. An entry is only ever a state this node COMMITTED, and it is used only when its sequence number equals
 * the saga row's {@code last_seq}, read under the row's lock: a saga moved meanwhile by another node (or by a
 * transaction of this node that rolled back) has another {@code last_seq}, and is replayed from its events instead.
 * So a stale entry is never used, and a miss costs one read of the events, as before. Least recently used entries go
 * first; finished sagas are not kept.
 */
final class StateCache {

    private final int capacity;
    private final Map<UUID, SagaState> states;

    StateCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("sagaflow.replies.state-cache-size must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.states = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, SagaState> eldest) {
                return size() > StateCache.this.capacity;
            }
        };
    }

    /** The state at {@code lastSeq}, if this node committed it. */
    synchronized Optional<SagaState> at(UUID sagaId, long lastSeq) {
        SagaState s = states.get(sagaId);
        return s != null && s.seq() == lastSeq ? Optional.of(s) : Optional.empty();
    }

    /** Remembers a state this node has just committed (call only after the commit succeeded). */
    synchronized void committed(SagaState state) {
        if (capacity == 0) {
            return;
        }
        if (state.status().terminal()) {
            states.remove(state.id());
        } else {
            states.put(state.id(), state);
        }
    }

    synchronized int size() {
        return states.size();
    }
}
