package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sagaflow.participant.CommandResult;
import io.sagaflow.participant.HttpParticipantServer;
import io.sagaflow.participant.HttpParticipantHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protecting HTTP participants (issue 14 item 5; docs/flows.md "Protecting a participant"): a circuit breaker, a rate
 * limit and a bulkhead per participant, declared in the flow. A call they hold back is not an attempt: the connector
 * answers DEFERRED and the engine sends the same attempt again later, so an open circuit delays sagas instead of
 * failing them.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class HttpProtectionIT {

    private final List<HttpParticipantServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(HttpParticipantServer::close);
    }

    /** A participant that answers RETRY while {@code failing}, else SUCCESS after {@code work}; it logs its calls. */
    private final class Stub {
        final AtomicBoolean failing = new AtomicBoolean();
        final ConcurrentLinkedQueue<Long> calls = new ConcurrentLinkedQueue<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final String url;

        Stub(Duration work) throws Exception {
            HttpParticipantServer server = HttpParticipantServer.start(new InetSocketAddress("127.0.0.1", 0),
                    new HttpParticipantHandler((ctx, input) -> {
                        calls.add(System.nanoTime());
                        int now = running.incrementAndGet();
                        mostAtOnce.accumulateAndGet(now, Math::max);
                        try {
                            Thread.sleep(work.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            running.decrementAndGet();
                        }
                        return CompletableFuture.completedFuture(failing.get()
                                ? new CommandResult.Retry("down for maintenance")
                                : new CommandResult.Success(JsonNodeFactory.instance.objectNode().put("paid", true)));
                    }));
            servers.add(server);
            url = "http://127.0.0.1:" + server.port() + "/pay";
        }
    }

    private static void deploy(String name, String url, String protection, int maxAttempts) {
        assertThat(Api.postYaml("""
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: %s, version: 1 }
                spec:
                  participants:
                    pay: { http: { url: %s, timeout: 2s, %s } }
                  defaults:
                    retry: { maxAttempts: %d, backoff: fixed, initialDelay: 100ms }
                    timeout: 5s
                  steps:
                    - { name: charge, participant: pay, action: charge }
                """.formatted(name, url, protection, maxAttempts)).statusCode()).isIn(200, 201);
    }

    private static List<String> startAll(String flow, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Api.start(flow, "{\"n\":" + i + "}"));
        }
        return ids;
    }

    private static String history(String id) {
        return given().get("/api/sagas/" + id + "/events").then().extract().asString();
    }

    private static long count(List<String> sagas, String eventType) {
        return sagas.stream().flatMap(id -> Api.eventTypes(id).stream()).filter(eventType::equals).count();
    }

    @Test
    void anOpenCircuitDelaysAttemptsInsteadOfSpendingThemAndTheSagasCompleteWhenItCloses() throws Exception {
        Stub stub = new Stub(Duration.ZERO);
        deploy("protected-pay", stub.url, "circuitBreaker: { failureRatio: 0.5, requestVolume: 4, delay: 5s }", 2);

        // Two sagas, two failed attempts each: four failures in four calls open the circuit.
        stub.failing.set(true);
        for (String id : startAll("protected-pay", 2)) {
            assertThat(Api.awaitEnd(id).getString("status")).isEqualTo("COMPENSATED");
        }
        assertThat(stub.calls).hasSize(4);

        // The participant is back, but the circuit stays open for 5 s: the next sagas' commands are held back, not
        // failed, although each step has only two attempts.
        stub.failing.set(false);
        List<String> sagas = startAll("protected-pay", 6);
        for (String id : sagas) {
            var saga = Api.awaitEnd(id);
            assertThat(saga.getString("status")).as(id).isEqualTo("COMPLETED");
            assertThat(saga.getInt("steps[0].attempts")).as("attempts of " + id).isEqualTo(1);
        }
        assertThat(count(sagas, "StepAttemptFailed")).as("no attempt was spent on the open circuit").isZero();
        assertThat(count(sagas, "StepAttemptDeferred")).as("commands held back while open").isPositive();
        assertThat(stub.calls).as("each saga's command reached the participant once").hasSize(4 + 6);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String nodes = given().get("/api/nodes").then().statusCode(200).extract().asString();
            List<Map<String, Object>> participants = io.restassured.path.json.JsonPath.from(nodes)
                    .getList("holds.httpParticipants.flatten()");
            assertThat(participants).as(nodes).isNotNull();
            assertThat(participants).anySatisfy(p -> {
                assertThat(p.get("name")).isEqualTo("protected-pay/pay");
                assertThat(p.get("circuit")).isEqualTo("CLOSED");
                assertThat(((Number) p.get("deferredCircuitOpen")).longValue()).isPositive();
            });
        });
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).containsPattern(
                "sagaflow_http_deferred_total\\{[^}]*participant=\"protected-pay/pay\"[^}]*reason=\"circuit-open\"");
    }

    @Test
    void aRateLimitSpacesTheCallsAndHoldsNoSagaBack() throws Exception {
        Stub stub = new Stub(Duration.ZERO);
        deploy("rate-limited-pay", stub.url, "rateLimit: { permits: 5, per: 1s }", 1);

        List<String> sagas = startAll("rate-limited-pay", 20);
        for (String id : sagas) {
            assertThat(Api.awaitEnd(id).getString("status")).as(() -> history(id)).isEqualTo("COMPLETED");
        }
        List<Long> calls = new ArrayList<>(stub.calls);
        calls.sort(Long::compare);
        assertThat(calls).hasSize(20);
        assertThat(Duration.ofNanos(calls.get(19) - calls.get(0)))
                .as("20 calls at 5 per second take at least 3 s").isGreaterThanOrEqualTo(Duration.ofMillis(2800));
        for (int i = 0; i + 7 < calls.size(); i++) {
            assertThat(Duration.ofNanos(calls.get(i + 7) - calls.get(i))).as("8 calls in a row span more than 1 s")
                    .isGreaterThan(Duration.ofSeconds(1));
        }
        assertThat(count(sagas, "StepAttemptFailed")).as("one attempt each was enough").isZero();
        assertThat(count(sagas, "StepAttemptDeferred")).isPositive();
    }

    @Test
    void aBulkheadBoundsTheCallsAtOnce() throws Exception {
        Stub stub = new Stub(Duration.ofMillis(300));
        deploy("bulkhead-pay", stub.url, "bulkhead: 2", 1);

        List<String> sagas = startAll("bulkhead-pay", 12);
        for (String id : sagas) {
            assertThat(Api.awaitEnd(id).getString("status")).as(id).isEqualTo("COMPLETED");
        }
        assertThat(stub.mostAtOnce.get()).as("calls at once").isBetween(1, 2);
        assertThat(stub.calls).hasSize(12);
        assertThat(count(sagas, "StepAttemptFailed")).isZero();
    }
}
