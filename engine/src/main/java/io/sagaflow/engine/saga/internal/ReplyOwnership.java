package io.sagaflow.engine.saga.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.engine.node.NodeHoldings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which reply partitions a live node consumes now, as the heartbeats say. A step timeout of a saga whose reply
 * partition has no live owner is deferred: after a node is killed its partitions move only when Kafka's session
 * times out, and the participant's reply may be waiting unread in the meantime. Counting that attempt as timed out
 * would change the saga's end (a spurious retry, or a compensation).
 */
@ApplicationScoped
public class ReplyOwnership implements NodeHoldings {

    private final String partitionPrefix;
    private final ReplyConsumer replies;
    private volatile Set<Integer> owned = Set.of();
    private Set<Integer> previouslyOwned = Set.of();

    public ReplyOwnership(SagaflowConfig config, ReplyConsumer replies) {
        this.partitionPrefix = config.replies().topic() + "-";
        this.replies = replies;
    }

    /** This node's reply partitions, as {@code replyPartitions: ["topic-n", ...]}. */
    @Override
    public void report(ObjectNode holds) {
        var held = holds.putArray("replyPartitions");
        replies.assignedPartitions().forEach(held::add);
    }

    /**
     * A partition counts once it was held at two heartbeats in a row: a node that was just given a dead node's
     * partition gets a heartbeat's time to read the replies waiting there before their sagas' timeouts fire.
     */
    @Override
    public synchronized void liveNodes(List<JsonObject> holds) {
        Set<Integer> now = new HashSet<>();
        for (JsonObject node : holds) {
            JsonArray held = node.getJsonArray("replyPartitions");
            if (held == null) {
                continue;
            }
            for (Object p : held) {
                String name = String.valueOf(p);
                if (name.startsWith(partitionPrefix)) {
                    now.add(Integer.parseInt(name.substring(partitionPrefix.length())));
                }
            }
        }
        Set<Integer> settled = new HashSet<>(now);
        settled.retainAll(previouslyOwned);
        previouslyOwned = now;
        owned(settled);
    }

    private void owned(Set<Integer> partitionsOfLiveNodes) {
        this.owned = Set.copyOf(partitionsOfLiveNodes);
    }

    /** True when a live node consumes the partition this saga's replies go to (or nothing is known yet about partitions). */
    public boolean ownedByALiveNode(UUID sagaId) {
        int count = replies.partitionCount();
        return count == 0 || owned.contains(KafkaClients.partitionOf(sagaId.toString(), count));
    }
}
