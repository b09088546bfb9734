package io.sagaflow.engine.saga.internal;

import io.sagaflow.engine.node.NodeBeat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a step attempt's participant had the chance to answer before the attempt's timeout was due (SPEC §6),
 * judged from the nodes' heartbeats; pure, fed by {@link #observe} after each heartbeat of this node.
 *
 * <p>A command travels: outbox, relay (one leader node), Kafka, the HTTP connector's partition for its saga (some
 * node) or a participant's own consumer, the participant, the reply topic's partition for its saga (some node), the
 * saga. The engine sees the nodes' parts of that path in their heartbeats. An attempt counts as timed out only when
 * every observable part was up <em>at the due time</em>: the node consuming the saga's reply partition, the node
 * consuming its HTTP-command partition (when any node runs the HTTP connector) and the relay leader each wrote a
 * heartbeat at or after the due time, holding that part at that beat and at its beat before. A node that died, was
 * starved of CPU or lost the database writes no such beat, so a timeout of a command waiting in its partition (Kafka
 * moves a dead consumer's partitions only after its session timeout) waits instead of burning an attempt; once a
 * live node holds the part for two beats in a row, the timeout fires. The price: a timeout fires one to two
 * heartbeats after it is due.
 */
public final class DeliveryPaths {

    static final String REPLY_PARTITIONS = "replyPartitions";
    static final String HTTP_PARTITIONS = "httpCommandPartitions";
    static final String RELAY_ENABLED = "relayEnabled";
    static final String RELAY_STREAMING = "relayStreaming";

    private final String replyPrefix;
    private final String httpPrefix;
    private final Map<String, Node> nodes = new HashMap<>();
    private volatile View view = new View(Map.of(), Map.of(), false, Optional.empty(), false);

    /** Per part of the path, the latest heartbeat of a node that held it at that beat and at its beat before. */
    private record View(Map<Integer, Instant> reply, Map<Integer, Instant> http, boolean httpRuns,
                        Optional<Instant> relay, boolean relayRequired) {
    }

    /** A node's last two beats as seen here. */
    private static final class Node {
        Instant at = Instant.MIN;
        JsonObject last = new JsonObject();
        JsonObject before = new JsonObject();
    }

    /**
     * @param replyTopic the reply topic (its partitions appear as {@code <topic>-<n>} in the heartbeats)
     * @param httpTopic  the HTTP connector's command topic
     */
    public DeliveryPaths(String replyTopic, String httpTopic) {
        this.replyPrefix = replyTopic + "-";
        this.httpPrefix = httpTopic + "-";
    }

    /** The latest beats of the live nodes (a node missing from the list is dead or silent: it holds nothing). */
    public synchronized void observe(List<NodeBeat> beats) {
        Set<String> live = new HashSet<>();
        for (NodeBeat beat : beats) {
            live.add(beat.nodeId());
            Node n = nodes.computeIfAbsent(beat.nodeId(), id -> new Node());
            if (beat.at().isAfter(n.at)) {
                n.before = n.last;
                n.last = beat.holds();
                n.at = beat.at();
            }
        }
        nodes.keySet().retainAll(live);
        Map<Integer, Instant> reply = new HashMap<>();
        Map<Integer, Instant> http = new HashMap<>();
        boolean httpRuns = false;
        Instant relay = null;
        boolean relayRequired = false;
        for (Node n : nodes.values()) {
            settled(n, REPLY_PARTITIONS, replyPrefix).forEach(p -> reply.merge(p, n.at, DeliveryPaths::later));
            if (n.last.containsKey(HTTP_PARTITIONS)) {
                httpRuns = true;
                settled(n, HTTP_PARTITIONS, httpPrefix).forEach(p -> http.merge(p, n.at, DeliveryPaths::later));
            }
            relayRequired |= n.last.getBoolean(RELAY_ENABLED, Boolean.FALSE);
            if (n.last.getBoolean(RELAY_STREAMING, Boolean.FALSE) && n.before.getBoolean(RELAY_STREAMING, Boolean.FALSE)) {
                relay = relay == null ? n.at : later(relay, n.at);
            }
        }
        view = new View(Map.copyOf(reply), Map.copyOf(http), httpRuns, Optional.ofNullable(relay), relayRequired);
    }

    /**
     * True when the participant of a command had the chance to answer by {@code due}.
     *
     * @param replyPartition the saga's reply partition, or -1 when the reply topic's partitions are not known yet
     * @param httpPartition  the saga's HTTP-command partition, or -1 when not known yet
     */
    public boolean hadAChance(int replyPartition, int httpPartition, Instant due) {
        View v = view;
        if (replyPartition >= 0 && !heardAtOrAfter(v.reply().get(replyPartition), due)) {
            return false;
        }
        if (v.httpRuns() && httpPartition >= 0 && !heardAtOrAfter(v.http().get(httpPartition), due)) {
            return false;
        }
        return !v.relayRequired() || heardAtOrAfter(v.relay().orElse(null), due);
    }

    private static boolean heardAtOrAfter(Instant beat, Instant due) {
        return beat != null && !beat.isBefore(due);
    }

    private Set<Integer> settled(Node n, String key, String prefix) {
        Set<Integer> now = partitions(n.last.getJsonArray(key), prefix);
        now.retainAll(partitions(n.before.getJsonArray(key), prefix));
        return now;
    }

    private static Set<Integer> partitions(JsonArray held, String prefix) {
        Set<Integer> out = new HashSet<>();
        if (held == null) {
            return out;
        }
        for (Object p : held) {
            String name = String.valueOf(p);
            if (name.startsWith(prefix)) {
                out.add(Integer.parseInt(name.substring(prefix.length())));
            }
        }
        return out;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
