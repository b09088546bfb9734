package io.sagaflow.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.wire.ReplyOutcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** A command record as the engine's outbox publishes it for an HTTP participant, and what the connector makes of it. */
class HttpCommandTest {

    private static RecordHeaders headers(Map<String, String> values) {
        RecordHeaders headers = new RecordHeaders();
        values.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    private static RecordHeaders fullCommand() {
        RecordHeaders h = new RecordHeaders();
        h.add("sagaflow-saga-id", bytes("7c1e"));
        h.add("sagaflow-step", bytes("create-order"));
        h.add("sagaflow-kind", bytes("compensation"));
        h.add("sagaflow-command", bytes("cancel"));
        h.add("sagaflow-message-id", bytes("m-1"));
        h.add("sagaflow-idempotency-key", bytes("7c1e:create-order:compensation:2"));
        h.add("sagaflow-reply-to", bytes("sagaflow.replies"));
        h.add("sagaflow-http-url", bytes("http://orders.local:8081/orders/cancel"));
        h.add("sagaflow-http-timeout-ms", bytes("2500"));
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(Iterable<Header> headers) {
        List<String> names = new ArrayList<>();
        headers.forEach(h -> names.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)));
        return names;
    }

    @Test
    void theRequestIsAPostToTheUrlWithTheSpecFiveHeadersAndTheInput() {
        HttpCommand command = HttpCommand.read(fullCommand()).orElseThrow();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var request = command.request(command.url(), bytes("{\"orderId\":1001}"), Map.of("traceparent", traceparent));

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo(URI.create("http://orders.local:8081/orders/cancel"));
        assertThat(request.timeout()).contains(Duration.ofMillis(2500));
        assertThat(request.bodyPublisher().orElseThrow().contentLength()).isEqualTo(16);
        var sent = request.headers();
        assertThat(sent.firstValue("Content-Type")).contains("application/json");
        assertThat(sent.firstValue("Sagaflow-Saga-Id")).contains("7c1e");
        assertThat(sent.firstValue("Sagaflow-Step")).contains("create-order");
        assertThat(sent.firstValue("Sagaflow-Kind")).contains("compensation");
        assertThat(sent.firstValue("Sagaflow-Message-Id")).contains("m-1");
        assertThat(sent.firstValue("Idempotency-Key")).contains("7c1e:create-order:compensation:2");
        assertThat(sent.firstValue("traceparent")).contains(traceparent);
    }

    @Test
    void aCommandWithoutUrlOrReplyTopicCannotBeCalled() {
        assertThat(HttpCommand.read(headers(Map.of("sagaflow-reply-to", "r")))).isEmpty();
        assertThat(HttpCommand.read(headers(Map.of("sagaflow-http-url", "http://x/c")))).isEmpty();
    }

    @Test
    void aCommandWithoutTimeoutWaitsThirtySeconds() {
        HttpCommand command = HttpCommand.read(headers(Map.of("sagaflow-http-url", "http://x/c",
                "sagaflow-reply-to", "r"))).orElseThrow();

        assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(command.request(command.url(), null, Map.of()).bodyPublisher().orElseThrow().contentLength()).isZero();
    }

    @Test
    void missingFieldsAreSentEmptySoTheParticipantRefusesTheCommand() {
        HttpCommand command = HttpCommand.read(headers(Map.of("sagaflow-http-url", "http://x/c",
                "sagaflow-reply-to", "r"))).orElseThrow();

        assertThat(command.request(command.url(), new byte[0], Map.of()).headers().firstValue("Sagaflow-Saga-Id")).contains("");
        assertThat(command.messageId()).isEqualTo(Optional.empty());
    }

    @Test
    void aTimeoutThatIsNoNumberIsRefused() {
        RecordHeaders h = headers(Map.of("sagaflow-http-url", "http://x/c", "sagaflow-reply-to", "r",
                "sagaflow-http-timeout-ms", "soon"));

        assertThatThrownBy(() -> HttpCommand.read(h)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void theReplyEchoesTheCommandLikeAKafkaParticipantAndAddsTheOutcome() {
        HttpCommand command = HttpCommand.read(fullCommand()).orElseThrow();
        ProducerRecord<byte[], byte[]> reply = command.reply(bytes("7c1e"),
                HttpAnswer.answered(422, bytes("{\"code\":\"closed\",\"message\":\"order closed\"}")));

        assertThat(reply.topic()).isEqualTo("sagaflow.replies");
        assertThat(new String(reply.key(), StandardCharsets.UTF_8)).isEqualTo("7c1e");
        assertThat(new String(reply.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":\"closed\",\"message\":\"order closed\"}");
        assertThat(names(reply.headers())).containsExactly("sagaflow-saga-id=7c1e", "sagaflow-step=create-order",
                "sagaflow-kind=compensation", "sagaflow-message-id=m-1", "sagaflow-outcome=FAILURE");
    }

    @Test
    void theReplyLeavesOutWhatTheCommandLacked() {
        HttpCommand command = HttpCommand.read(headers(Map.of("sagaflow-http-url", "http://x/c",
                "sagaflow-reply-to", "r", "sagaflow-saga-id", "s"))).orElseThrow();
        ProducerRecord<byte[], byte[]> reply = command.reply(null, new HttpAnswer(ReplyOutcome.RETRY, bytes("null")));

        assertThat(names(reply.headers())).containsExactly("sagaflow-saga-id=s", "sagaflow-outcome=RETRY");
    }
}
