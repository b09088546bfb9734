package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's death changes no saga's end (SPEC §6; issue 14, item 1). Three engine processes; HTTP participants that
 * answer in ~250 ms; {@code timeout: 1s}, three attempts 100 ms..1 s apart; 100 sagas, and three kill -9 of a node at
 * random moments (each killed node is replaced). A command or a reply waiting in a dead node's partition of the HTTP
 * connector's group or of the reply group must not count as a timed-out attempt: every saga ends COMPLETED, as it
 * would with no kill.
 *
 * <p>Before the timeouts waited for proof that the command's path was up at their due time (saga.internal.DeliveryPaths),
 * 73 of 100 sagas of a loaded run ended COMPENSATED or FAILED; after it, 0 of 100 in three runs and 1 of 100 in a
 * fourth (inside a full CI run, cause not yet known: the failure now prints the changed sagas' histories), then 0 of
 * 100 in three more runs on 2026-12-05 (b59bc10, each alone, 2.5-3 min). Opt-in
 * ({@code -Dsagaflow.it.node-death=true}) until that fourth case is understood: three engine JVMs starting beside the
 * build on 2 cores can also make a 250 ms HTTP answer miss a 1 s timeout, which no delivery rule can tell from a
 * real timeout.
 */
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "sagaflow.it.node-death", matches = "true")
class NodeDeathIT {

    private static final Logger LOG = Logger.getLogger(NodeDeathIT.class);
    private static final String FLOW = """
            apiVersion: sagaflow.io/v1
            kind: Saga
            metadata: { name: http-checkout, version: 1 }
            spec:
              participants:
                orders:   { http: { url: http://127.0.0.1:%1$d/orders } }
                shipping: { http: { url: http://127.0.0.1:%1$d/shipping } }
              defaults:
                retry:   { maxAttempts: 3, backoff: exponential, initialDelay: 100ms, maxDelay: 1s }
                timeout: 1s
              steps:
                - { name: create-order, participant: orders, action: create, compensation: cancel }
                - { name: ship, participant: shipping, action: schedule }
            """;

    private TestInfra infra;
    private final List<EngineProcess> engines = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopStack() throws Exception {
        for (EngineProcess e : engines) {
            e.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void threeKillsOfOneOfThreeNodesChangeNoSagasEnd() throws Exception {
        infra = new TestInfra();
        Map<String, String> config = Map.of("sagaflow.nodes.heartbeat", "1s", "sagaflow.nodes.dead-after", "4s");
        for (String name : List.of("node-a", "node-b", "node-c")) {
            engines.add(EngineProcess.start(infra, name, config));
        }
        given().baseUri(engines.get(0).baseUri()).contentType("application/yaml")
                .body(FLOW.formatted(infra.participants.httpPort()).getBytes(StandardCharsets.UTF_8))
                .post("/api/flows").then().statusCode(201);

        Random random = new Random();
        List<String> ids = new CopyOnWriteArrayList<>();
        Thread starter = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                String body = "{\"flow\":\"http-checkout\",\"input\":{\"orderId\":\"d-" + i + "\",\"simulate\":"
                        + "{\"orders\":\"delay:250\",\"shipping\":\"delay:250\"}}}";
                for (int attempt = 0; ; attempt++) {
                    List<EngineProcess> live = List.copyOf(engines);
                    try {
                        ids.add(given().baseUri(live.get((i + attempt) % live.size()).baseUri()).contentType(ContentType.JSON)
                                .header("Idempotency-Key", "death-" + i).body(body).post("/api/sagas")
                                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201)).extract().<String>path("id"));
                        break;
                    } catch (AssertionError | Exception e) {
                        TestInfra.sleep(200);
                    }
                }
                TestInfra.sleep(400);   // ~45 s of starts: the kills (and the replacements' starts) fall inside the run
            }
        }, "death-starter");
        starter.start();
        // Three kills at random moments of the run: when a random number of sagas (5..95) has been started.
        List<Integer> killAt = random.ints(3, 5, 96).sorted().boxed().toList();
        for (int kill = 0; kill < 3; kill++) {
            int threshold = killAt.get(kill);
            await().atMost(Duration.ofSeconds(120)).until(() -> ids.size() >= threshold);
            TestInfra.sleep(random.nextInt(500));
            EngineProcess victim = engines.remove(random.nextInt(engines.size()));
            LOG.infof("kill -9 of %s (%d sagas started so far)", victim.name, ids.size());
            victim.kill();
            engines.add(EngineProcess.start(infra, victim.name + "-" + (kill + 2), config));
        }
        starter.join(120_000);
        assertThat(ids).hasSize(100);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                statuses().entrySet().stream().filter(e -> ids.contains(e.getKey()))
                        .noneMatch(e -> e.getValue().equals("RUNNING") || e.getValue().equals("COMPENSATING")));
        Map<String, String> end = statuses();
        List<String> changed = new ArrayList<>();
        for (String id : ids) {
            if (!"COMPLETED".equals(end.get(id))) {
                changed.add(id + "=" + end.get(id));
            }
        }
        LOG.infof("100 sagas, three kills: %d ended other than COMPLETED %s", changed.size(), changed);
        assertThat(changed).as("sagas whose end the kills changed; histories:%s", histories(changed)).isEmpty();
        try (Connection c = infra.connect()) {
            Invariants.assertLogsAreWhole(c, ids, infra.participants.shop());
        }
    }

    /** The event histories of the first three changed sagas, so a failure says why. */
    private String histories(List<String> changed) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = infra.connect(); Statement st = c.createStatement()) {
            for (String entry : changed.stream().limit(3).toList()) {
                String id = entry.substring(0, entry.indexOf('='));
                out.append("\nsaga ").append(entry);
                try (ResultSet rs = st.executeQuery("SELECT seq, type, recorded_at, data FROM saga_event WHERE saga_id = '"
                        + id + "' ORDER BY seq")) {
                    while (rs.next()) {
                        out.append("\n  ").append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ')
                                .append(rs.getString(3)).append(' ').append(rs.getString(4));
                    }
                }
            }
        }
        return out.toString();
    }

    private Map<String, String> statuses() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = infra.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, status FROM saga")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
