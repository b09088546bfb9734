package io.sagaflow.engine.node;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One live node's latest heartbeat: who, when (the node's clock at the beat), and what it held then. */
public record NodeBeat(String nodeId, Instant at, JsonObject holds) {
}
