package io.sagaflow.engine.runtime;

import io.sagaflow.connectors.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.UUID;

/**
 * Which reply partitions a live node consumes now, as the heartbeats say. A step timeout of a saga whose reply
 * partition has no live owner is deferred: after a node is killed its partitions move only when Kafka's session
 * times out, and the participant's reply may be waiting unread in the meantime. Counting that attempt as timed out
 * would change the saga's end (a spurious retry, or a compensation).
 */
@ApplicationScoped
public class ReplyOwnership {

    private volatile int partitions;
    private volatile Set<Integer> owned = Set.of();

    void partitionCount(int count) {
        this.partitions = count;
    }

    void owned(Set<Integer> partitionsOfLiveNodes) {
        this.owned = Set.copyOf(partitionsOfLiveNodes);
    }

    /** True when a live node consumes the partition this saga's replies go to (or nothing is known yet about partitions). */
    public boolean ownedByALiveNode(UUID sagaId) {
        int count = partitions;
        return count == 0 || owned.contains(KafkaClients.partitionOf(sagaId.toString(), count));
    }
}
