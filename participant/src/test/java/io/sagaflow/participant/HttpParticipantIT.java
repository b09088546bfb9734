package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.wire.HttpHeader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP handler behind the JDK server, on a fresh database, called like the engine calls it (SPEC §5). */
class HttpParticipantIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDatabase db;
    private HttpParticipantServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger reservations = new AtomicInteger();
    private final AtomicInteger crashesLeft = new AtomicInteger();
    private final List<String> messageIdsSeen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        db = new TestDatabase();
        try (Connection c = db.connect()) {
            Barrier.createTable(c);
        }
        JdbcParticipant orders = new JdbcParticipant(db.dataSource())
                .on("reserve", (ctx, input, tx) -> {
                    reservations.incrementAndGet();
                    messageIdsSeen.add(ctx.messageId());
                    if (crashesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IllegalStateException("warehouse service unreachable");
                    }
                    if (input.path("qty").asInt() > 10) {
                        throw new BusinessFailure("out-of-stock", "only 10 left");
                    }
                    return JSON.createObjectNode().put("reserved", input.path("qty").asInt());
                });
        server = HttpParticipantServer.start(new InetSocketAddress("127.0.0.1", 0), new HttpParticipantHandler(orders));
    }

    @AfterEach
    void stop() {
        server.close();
        db.close();
    }

    private HttpResponse<String> post(String command, String sagaId, String kind, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/" + command))
                        .header(HttpHeader.SAGA_ID, sagaId).header(HttpHeader.STEP, "reserve-stock")
                        .header(HttpHeader.KIND, kind)
                        .header(HttpHeader.IDEMPOTENCY_KEY, sagaId + ":reserve-stock:" + kind)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One copy of an attempt as the engine's HTTP connector sends it, message id included. */
    private HttpResponse<String> postAttempt(String sagaId, String messageId, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/reserve"))
                        .header(HttpHeader.SAGA_ID, sagaId).header(HttpHeader.STEP, "reserve-stock")
                        .header(HttpHeader.KIND, "try").header(HttpHeader.MESSAGE_ID, messageId)
                        .header(HttpHeader.IDEMPOTENCY_KEY, sagaId + ":reserve-stock:try")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRedeliveredCommandWithTheSameMessageIdGetsTheFirstAnswerAndTheMethodRunsOnce() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        String messageId = UUID.randomUUID().toString();
        HttpResponse<String> first = postAttempt(sagaId, messageId, "{\"qty\": 3}");
        // A redelivery (the connector crashed before committing its offset) may even carry another body:
        // the first answer stands.
        HttpResponse<String> redelivered = postAttempt(sagaId, messageId, "{\"qty\": 4}");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(redelivered.statusCode()).isEqualTo(200);
        assertThat(redelivered.body()).isEqualTo(first.body());
        assertThat(JSON.readTree(redelivered.body()).path("reserved").asInt()).isEqualTo(3);
        assertThat(reservations.get()).isEqualTo(1);
        assertThat(messageIdsSeen).containsExactly(messageId);
    }

    @Test
    void aRedeliveredBusinessFailureIsAnsweredWith409AgainWithoutRunningTheMethod() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        String messageId = UUID.randomUUID().toString();
        HttpResponse<String> first = postAttempt(sagaId, messageId, "{\"qty\": 50}");
        HttpResponse<String> redelivered = postAttempt(sagaId, messageId, "{\"qty\": 50}");

        assertThat(first.statusCode()).isEqualTo(409);
        assertThat(redelivered.statusCode()).isEqualTo(409);
        assertThat(redelivered.body()).isEqualTo(first.body());
        assertThat(reservations.get()).isEqualTo(1);
    }

    @Test
    void successIs200WithTheOutputAndADuplicateGetsTheSameBody() throws Exception {
        String sagaId = UUID.randomUUID().toString();
        HttpResponse<String> first = post("reserve", sagaId, "try", "{\"qty\": 2}");
        HttpResponse<String> again = post("reserve", sagaId, "try", "{\"qty\": 2}");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).path("reserved").asInt()).isEqualTo(2);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(reservations.get()).isEqualTo(1);
    }

    @Test
    void businessFailureIs409WithCodeAndMessage() throws Exception {
        HttpResponse<String> response = post("reserve", UUID.randomUUID().toString(), "try", "{\"qty\": 50}");

        assertThat(response.statusCode()).isEqualTo(409);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("code").asText()).isEqualTo("out-of-stock");
        assertThat(body.path("message").asText()).isEqualTo("only 10 left");
    }

    @Test
    void unexpectedExceptionIs503AndTheRetrySucceeds() throws Exception {
        crashesLeft.set(1);
        String sagaId = UUID.randomUUID().toString();

        assertThat(post("reserve", sagaId, "try", "{\"qty\": 1}").statusCode()).isEqualTo(503);
        assertThat(post("reserve", sagaId, "try", "{\"qty\": 1}").statusCode()).isEqualTo(200);
        assertThat(reservations.get()).isEqualTo(2);
    }

    @Test
    void cancelBeforeTryIs200AndTheLateTryIs409() throws Exception {
        String sagaId = UUID.randomUUID().toString();

        assertThat(post("reserve", sagaId, "cancel", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> lateTry = post("reserve", sagaId, "try", "{\"qty\": 1}");
        assertThat(lateTry.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(lateTry.body()).path("code").asText()).isEqualTo("cancelled-before-action");
        assertThat(reservations.get()).isZero();
    }

    @Test
    void requestWithoutSagaflowHeadersIs400() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/reserve"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void unknownCommandIs503SoAnotherInstanceCanTakeIt() throws Exception {
        assertThat(post("refund", UUID.randomUUID().toString(), "action", "{}").statusCode()).isEqualTo(503);
    }
}
