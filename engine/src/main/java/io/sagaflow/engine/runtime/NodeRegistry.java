package io.sagaflow.engine.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.outbox.OutboxRelay;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * This node's row in {@code engine_node}: a heartbeat every {@code sagaflow.nodes.heartbeat} with what the node
 * holds (relay leadership, reply partitions), listed at GET /api/nodes.
 */
@ApplicationScoped
public class NodeRegistry {

    private static final Logger LOG = Logger.getLogger(NodeRegistry.class);

    private final Pool pool;
    private final SagaflowConfig config;
    private final OutboxRelay relay;
    private final ReplyConsumer replies;
    private final ObjectMapper json;
    private final Clock clock;
    private final ReplyOwnership ownership;
    private final String nodeId;
    private Thread loop;
    private volatile boolean running;

    public NodeRegistry(Pool pool, SagaflowConfig config, OutboxRelay relay, ReplyConsumer replies, ObjectMapper json,
                        Clock clock, ReplyOwnership ownership) {
        this.ownership = ownership;
        this.pool = pool;
        this.config = config;
        this.relay = relay;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
        this.nodeId = config.nodeId().orElseGet(NodeRegistry::defaultId);
    }

    public String nodeId() {
        return nodeId;
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + UUID.randomUUID().toString().substring(0, 4);
    }

    void onStart(@Observes @Priority(50) StartupEvent event) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        pool.preparedQuery("INSERT INTO engine_node (id, started_at, heartbeat_at) VALUES ($1, $2, $2) "
                        + "ON CONFLICT (id) DO UPDATE SET started_at = $2, heartbeat_at = $2")
                .execute(Tuple.of(nodeId, now)).await().atMost(Duration.ofSeconds(30));
        running = true;
        loop = new Thread(this::run, "sagaflow-heartbeat");
        loop.setDaemon(true);
        loop.start();
        LOG.infof("engine node %s started", nodeId);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                heartbeat();
                Thread.sleep(config.nodes().heartbeat().toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("heartbeat failed: %s", e.getMessage());
                try {
                    Thread.sleep(config.nodes().heartbeat().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void heartbeat() {
        ObjectNode holds = json.createObjectNode();
        holds.put("relayLeader", relay.leader());
        holds.put("relayRunning", relay.running());
        var partitions = holds.putArray("replyPartitions");
        replies.assignedPartitions().forEach(partitions::add);
        pool.preparedQuery("UPDATE engine_node SET heartbeat_at = $2, holds = $3::text::jsonb WHERE id = $1")
                .execute(Tuple.of(nodeId, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), holds.toString()))
                .await().atMost(Duration.ofSeconds(10));
        refreshOwnership();
    }

    /**
     * Reply partitions held by nodes whose heartbeat is fresh (younger than 2.5 heartbeats: one missed beat is
     * tolerated, a killed node drops out within seconds, long before Kafka moves its partitions).
     */
    private void refreshOwnership() {
        Duration fresh = config.nodes().heartbeat().multipliedBy(5).dividedBy(2);
        String prefix = config.replies().topic() + "-";
        var rows = pool.preparedQuery("SELECT holds FROM engine_node WHERE heartbeat_at > $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant().minus(fresh), ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(10));
        java.util.Set<Integer> owned = new java.util.HashSet<>();
        for (var row : rows) {
            var held = row.getJsonObject("holds").getJsonArray("replyPartitions");
            if (held == null) {
                continue;
            }
            for (Object p : held) {
                String name = String.valueOf(p);
                if (name.startsWith(prefix)) {
                    owned.add(Integer.parseInt(name.substring(prefix.length())));
                }
            }
        }
        // A partition counts once it was held at two heartbeats in a row: a node that was just given a dead node's
        // partition gets a heartbeat's time to read the replies waiting there before their sagas' timeouts fire.
        java.util.Set<Integer> settled = new java.util.HashSet<>(owned);
        settled.retainAll(previouslyOwned);
        previouslyOwned = owned;
        ownership.owned(settled);
    }

    private java.util.Set<Integer> previouslyOwned = java.util.Set.of();
}
