package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sagaflow.wire.CommandKind;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP adapter without a server or a database: what it reads from a request and how it answers. */
class HttpParticipantHandlerTest {

    private final AtomicReference<CommandContext> received = new AtomicReference<>();
    private final HttpParticipantHandler handler = new HttpParticipantHandler((ctx, input) -> {
        received.set(ctx);
        return CompletableFuture.completedFuture(new CommandResult.Success(input));
    });

    private HttpParticipantHandler.Response call(Map<String, String> headers) {
        return handler.handle("charge", headers, "{\"amount\": 5}".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().join();
    }

    @Test
    void theCommandsMessageIdReachesTheBusinessMethodLikeOnKafka() {
        HttpParticipantHandler.Response response = call(Map.of("sagaflow-saga-id", "s1", "SAGAFLOW-STEP", "pay",
                "Sagaflow-Kind", "compensation", "sagaflow-message-id", "m-42", "idempotency-key", "s1:pay:compensation:2"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("amount").asInt()).isEqualTo(5);
        CommandContext ctx = received.get();
        assertThat(ctx.messageId()).isEqualTo("m-42");
        assertThat(ctx.kind()).isEqualTo(CommandKind.COMPENSATION);
        assertThat(ctx.command()).isEqualTo("charge");
        assertThat(ctx.op()).isEqualTo("compensation:2");
    }

    @Test
    void aCallerThatSendsNoMessageIdIsStillServed() {
        HttpParticipantHandler.Response response = call(Map.of("Sagaflow-Saga-Id", "s1", "Sagaflow-Step", "pay",
                "Sagaflow-Kind", "action", "Idempotency-Key", "s1:pay:action"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(received.get().messageId()).isEmpty();
    }

    @Test
    void anUnknownKindIsA400NamingTheHeaderAndTheAllowedKinds() {
        HttpParticipantHandler.Response response = call(Map.of("Sagaflow-Saga-Id", "s1", "Sagaflow-Step", "pay",
                "Sagaflow-Kind", "refund", "Idempotency-Key", "s1:pay:refund"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asText())
                .contains("Sagaflow-Kind").contains("action, compensation, try, confirm, cancel").contains("'refund'");
        assertThat(received.get()).isNull();
    }

    @Test
    void eachResultHasItsStatus() {
        assertThat(HttpParticipantHandler.toResponse(new CommandResult.Success(JsonNodeFactory.instance.nullNode()))
                .status()).isEqualTo(200);
        assertThat(HttpParticipantHandler.toResponse(new CommandResult.Failure("out-of-stock", "none")).status())
                .isEqualTo(409);
        assertThat(HttpParticipantHandler.toResponse(new CommandResult.Retry("busy")).status()).isEqualTo(503);
    }
}
