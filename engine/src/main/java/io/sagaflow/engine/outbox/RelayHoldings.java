package io.sagaflow.engine.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.connectors.outbox.OutboxRelay;
import io.sagaflow.engine.node.NodeHoldings;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this node leads the outbox relay, whether the relay runs (or restarts) and streams now, and whether it is
 * enabled here, in the node's heartbeat (a step timeout waits while no node streams: saga.internal.DeliveryPaths).
 */
@ApplicationScoped
public class RelayHoldings implements NodeHoldings {

    private final OutboxRelay relay;

    public RelayHoldings(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void report(ObjectNode holds) {
        holds.put("relayLeader", relay.leader());
        holds.put("relayRunning", relay.running());
        holds.put("relayEnabled", relay.enabled());
        holds.put("relayStreaming", relay.streaming());
    }
}
