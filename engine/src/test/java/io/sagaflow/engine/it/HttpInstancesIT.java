package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sagaflow.participant.CommandResult;
import io.sagaflow.participant.HttpParticipantHandler;
import io.sagaflow.participant.HttpParticipantServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A participant of three instances ({@code urls: [...]}, issue 14 item 6; docs/participants.md): the HTTP connector
 * balances the calls over them, and when one is killed it is ejected and its calls go to the others in the same
 * attempt (the connection was refused: the participant never saw them), so no saga notices.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class HttpInstancesIT {

    /** Which instance answered which saga's command. */
    private record Call(int instance, String sagaId) {
    }

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final List<HttpParticipantServer> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        instances.forEach(HttpParticipantServer::close);
    }

    @Test
    void callsAreSpreadOverTheInstancesAndAKilledOneCostsNoSagaAnything() throws Exception {
        for (int i = 0; i < 3; i++) {
            int instance = i;
            instances.add(HttpParticipantServer.start(new InetSocketAddress("127.0.0.1", 0),
                    new HttpParticipantHandler((ctx, input) -> {
                        calls.add(new Call(instance, ctx.sagaId()));
                        return CompletableFuture.completedFuture(
                                new CommandResult.Success(JsonNodeFactory.instance.objectNode().put("instance", instance)));
                    })));
        }
        String urls = String.join(", ", instances.stream().map(s -> "http://127.0.0.1:" + s.port() + "/stock").toList());
        assertThat(Api.postYaml("""
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: stock-instances, version: 1 }
                spec:
                  participants:
                    stock: { http: { urls: [%s], timeout: 2s } }
                  defaults:
                    retry: { maxAttempts: 3, backoff: exponential, initialDelay: 200ms, maxDelay: 1s }
                    timeout: 5s
                  steps:
                    - { name: reserve, participant: stock, action: reserve, compensation: release }
                """.formatted(urls)).statusCode()).isIn(200, 201);

        List<String> before = startAll(15);
        before.forEach(id -> assertThat(Api.awaitEnd(id).getString("status")).isEqualTo("COMPLETED"));
        assertThat(calls).extracting(Call::instance).as("round robin").containsOnly(0, 1, 2);
        assertThat(IntStream.range(0, 3).map(i -> (int) calls.stream().filter(c -> c.instance() == i).count()))
                .allMatch(n -> n >= 3);

        instances.get(1).close();   // killed: its port refuses connections from now on
        calls.clear();
        List<String> after = startAll(30);
        after.forEach(id -> assertThat(Api.awaitEnd(id).getString("status")).isEqualTo("COMPLETED"));

        assertThat(calls).extracting(Call::instance).containsOnly(0, 2);
        assertThat(calls).extracting(Call::sagaId).as("each command answered once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(after);
        long failedAttempts = after.stream().flatMap(id -> Api.eventTypes(id).stream())
                .filter("StepAttemptFailed"::equals).count();
        assertThat(failedAttempts).as("refused calls went to another instance within their attempt").isZero();
    }

    private static List<String> startAll(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Api.start("stock-instances", "{\"sku\":\"s-" + i + "\"}"));
        }
        return ids;
    }
}
