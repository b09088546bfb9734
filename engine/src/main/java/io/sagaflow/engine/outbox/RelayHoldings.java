package io.sagaflow.engine.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.connectors.outbox.OutboxRelay;
import io.sagaflow.engine.node.NodeHoldings;
import jakarta.enterprise.context.ApplicationScoped;

/** Whether this node leads the outbox relay and whether the relay runs, in the node's heartbeat. */
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
    }
}
