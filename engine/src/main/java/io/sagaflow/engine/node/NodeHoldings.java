package io.sagaflow.engine.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Something a node holds and says so in its heartbeat (relay leadership, reply partitions), implemented by the
 * package that owns the thing. The node registry knows no holder: it asks every CDI bean of this type before each
 * heartbeat and tells them what the live nodes hold after it.
 */
public interface NodeHoldings {

    /** Adds what this node holds now to the {@code holds} of its heartbeat. */
    void report(ObjectNode holds);

    /** The latest heartbeat of every node whose heartbeat is fresh, after each heartbeat of this node. */
    default void liveNodes(List<NodeBeat> beats) {
    }
}
