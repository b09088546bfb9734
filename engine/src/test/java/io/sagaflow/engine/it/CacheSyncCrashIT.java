package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.io.File;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node owning a CacheSync is killed with SIGKILL while rows change; the other node takes the sync over
 * (advisory lock), resumes from the stored offsets, and the cache ends equal to the table.
 */
class CacheSyncCrashIT {

    private static final Logger LOG = Logger.getLogger(CacheSyncCrashIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestInfra infra;
    private Process redisServer;
    private Vertx vertx;
    private final List<EngineProcess> engines = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (EngineProcess e : engines) {
            e.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (redisServer != null) {
            redisServer.destroy();
            redisServer.waitFor();
        }
        if (infra != null) {
            String like = "cs_" + infra.suffix + "_%";
            for (int i = 0; i < 50; i++) {
                try {
                    TestInfra.admin("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name LIKE '"
                            + like + "' AND active_pid IS NOT NULL");
                    TestInfra.admin("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '"
                            + like + "'");
                    break;
                } catch (IllegalStateException stillActive) {
                    TestInfra.sleep(100);
                }
            }
            infra.close();
        }
    }

    @Test
    void ownerKilledMidStreamAnotherNodeTakesOver() throws Exception {
        infra = new TestInfra();
        int redisPort = TestInfra.freePort();
        redisServer = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(new File("target/redis-" + redisPort + ".log")).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                break;
            } catch (java.io.IOException notYet) {
                TestInfra.sleep(50);
            }
        }
        vertx = Vertx.vertx();
        Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort);
        CacheOracle.Source s = new CacheOracle.Source("crash", "crash:", true, true, "crash", infra::connect);
        Map<String, String> extra = Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + redisPort,
                "sagaflow.cache-sync.slot-prefix", "cs_" + infra.suffix + "_",
                "sagaflow.cache-sync.leadership-check", "500ms",
                "sagaflow.relay.leadership-check", "500ms",
                "sagaflow.nodes.dead-after", "4s");
        EngineProcess a = EngineProcess.start(infra, "node-a", extra);
        engines.add(a);
        // after the engine's first start: Flyway wants an empty schema to migrate
        try (Connection c = infra.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE crash (id int PRIMARY KEY, name varchar(100), price numeric(10,2), stock int)");
            st.execute("INSERT INTO crash SELECT g, 'p' || g, (g % 1000) / 10.0, g % 50 FROM generate_series(1, 1000) g");
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> deployed = http.send(HttpRequest.newBuilder(URI.create(a.baseUri() + "/api/flows"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString("""
                        apiVersion: sagaflow.io/v1
                        kind: CacheSync
                        metadata: { name: crash, version: 1 }
                        spec:
                          source:
                            postgres: { table: public.crash }
                          key: "crash:${id}"
                          value: { hash: [id, name, price, stock] }
                          deletes: delete
                          reconcile: { every: 1h }
                        """)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        CacheOracle.await(redis, s, Duration.ofSeconds(120));
        EngineProcess b = EngineProcess.start(infra, "node-b", extra);
        engines.add(b);
        assertThat(owner(http, b)).isNull();
        assertThat(owner(http, a)).isEqualTo("node-a");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(1001);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int seed = 100 + w;
            done.add(writers.submit(() -> CacheSyncIT.writeUntil(s, stop, Integer.MAX_VALUE, nextId, seed)));
        }
        Thread.sleep(2000);
        a.kill();
        LOG.info("node-a (owner) killed with SIGKILL mid-stream");
        long killed = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "node-b".equals(owner(http, b)));
        long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
        Thread.sleep(2000);
        stop.set(true);
        int changes = 0;
        for (Future<Integer> f : done) {
            changes += f.get(60, TimeUnit.SECONDS);
        }
        writers.shutdown();
        long t0 = System.nanoTime();
        CacheOracle.await(redis, s, Duration.ofSeconds(120));
        LOG.infof("owner killed: node-b owned the sync %d ms later; %d concurrent changes; cache equal to the table %d ms"
                + " after the writers stopped", takeoverMs, changes, (System.nanoTime() - t0) / 1_000_000);
    }

    private static String owner(HttpClient http, EngineProcess e) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(e.baseUri() + "/api/cache-syncs/crash"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode owner = JSON.readTree(r.body()).get("owner");
        return owner == null || owner.isNull() ? null : owner.asText();
    }
}
