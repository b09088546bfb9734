package io.sagaflow.engine.saga.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.http.HttpCommandConnector;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.engine.node.NodeHoldings;
import io.sagaflow.engine.node.NodeBeat;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * This node's parts of the commands' path in its heartbeat (reply partitions; HTTP-command partitions where the
 * connector runs), and from every live node's heartbeat whether a step timeout may fire now ({@link DeliveryPaths}:
 * an attempt counts as timed out only when its participant had the chance to answer, SPEC §6). A Kafka participant's
 * own consumer group is not observed: the flow does not name it (docs: "Many nodes").
 */
@ApplicationScoped
public class ReplyOwnership implements NodeHoldings {

    private final ReplyConsumer replies;
    private final HttpCommandConnector http;
    private final DeliveryPaths paths;

    public ReplyOwnership(SagaflowConfig config, ReplyConsumer replies, HttpCommandConnector http) {
        this.replies = replies;
        this.http = http;
        this.paths = new DeliveryPaths(config.replies().topic(), config.httpConnector().topic());
    }

    /**
     * This node's partitions: {@code replyPartitions} and, where the connector runs, {@code httpCommandPartitions} and
     * {@code httpParticipants} (what each protected participant's circuit is doing here).
     */
    @Override
    public void report(ObjectNode holds) {
        var held = holds.putArray(DeliveryPaths.REPLY_PARTITIONS);
        replies.assignedPartitions().forEach(held::add);
        if (http.running()) {
            var commands = holds.putArray(DeliveryPaths.HTTP_PARTITIONS);
            http.assignedPartitions().forEach(commands::add);
            // the circuits, bulkheads and rate limits of the participants it called (docs/participants.md)
            var participants = holds.putArray("httpParticipants");
            http.participants().forEach(p -> {
                var node = participants.addObject();
                p.forEach((key, value) -> {
                    if (value instanceof Number n) {
                        node.put(key, n.longValue());
                    } else {
                        node.put(key, String.valueOf(value));
                    }
                });
            });
        }
    }

    @Override
    public void liveNodes(List<NodeBeat> beats) {
        paths.observe(beats);
    }

    /** True when a timeout of this saga due at {@code due} may count: every observable part of its path was up then. */
    public boolean hadAChance(UUID sagaId, Instant due) {
        int replyCount = replies.partitionCount();
        int httpCount = http.partitionCount();
        return paths.hadAChance(replyCount > 0 ? KafkaClients.partitionOf(sagaId.toString(), replyCount) : -1,
                httpCount > 0 ? KafkaClients.partitionOf(sagaId.toString(), httpCount) : -1, due);
    }
}
