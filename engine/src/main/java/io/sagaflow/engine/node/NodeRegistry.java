package io.sagaflow.engine.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
    private final Instance<NodeHoldings> holdings;
    private final ObjectMapper json;
    private final Clock clock;
    private final String nodeId;
    private Thread loop;
    private volatile boolean running;

    public NodeRegistry(Pool pool, SagaflowConfig config, Instance<NodeHoldings> holdings, ObjectMapper json,
                        Clock clock) {
        this.pool = pool;
        this.config = config;
        this.holdings = holdings;
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
        holdings.forEach(h -> h.report(holds));
        pool.preparedQuery("UPDATE engine_node SET heartbeat_at = $2, holds = $3::text::jsonb WHERE id = $1")
                .execute(Tuple.of(nodeId, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), holds.toString()))
                .await().atMost(Duration.ofSeconds(10));
        tellLiveNodes();
    }

    /**
     * What the nodes whose heartbeat is fresh (younger than 2.5 heartbeats: one missed beat is tolerated, a killed
     * node drops out within seconds, long before Kafka moves its partitions) hold, to every holder.
     */
    private void tellLiveNodes() {
        Duration fresh = config.nodes().heartbeat().multipliedBy(5).dividedBy(2);
        var rows = pool.preparedQuery("SELECT id, heartbeat_at, holds FROM engine_node WHERE heartbeat_at > $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant().minus(fresh), ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(10));
        List<NodeBeat> live = new ArrayList<>();
        for (var row : rows) {
            JsonObject held = row.getJsonObject("holds");
            live.add(new NodeBeat(row.getString("id"), row.getOffsetDateTime("heartbeat_at").toInstant(),
                    held == null ? new JsonObject() : held));
        }
        holdings.forEach(h -> h.liveNodes(live));
    }
}
