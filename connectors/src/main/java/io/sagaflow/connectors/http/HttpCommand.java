package io.sagaflow.connectors.http;

import io.sagaflow.wire.HttpHeader;
import io.sagaflow.wire.KafkaHeader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A command for an HTTP participant as the engine's outbox publishes it on the connector's topic, read from the
 * record's {@code sagaflow-*} headers: where to post it, where to reply, and the SPEC §5 fields it carries. Turns
 * into the HTTP request ({@link #request}) and, with the participant's answer, into the reply ({@link #reply}).
 *
 * @param url            {@code sagaflow-http-url}: {@code {participant url}/{command}}; for a participant of several
 *                       instances their URLs separated by a space ({@link #instances()})
 * @param replyTo        {@code sagaflow-reply-to}
 * @param timeout        {@code sagaflow-http-timeout-ms}, {@link #DEFAULT_TIMEOUT} when absent
 * @param sagaId         {@code sagaflow-saga-id}, as present on the command
 * @param step           {@code sagaflow-step}, as present
 * @param kind           {@code sagaflow-kind}, as present (passed through, not interpreted)
 * @param messageId      {@code sagaflow-message-id}, as present
 * @param idempotencyKey {@code sagaflow-idempotency-key}, as present
 * @param protection     {@code sagaflow-http-protection}: the participant's circuit breaker, bulkhead and rate limit
 */
record HttpCommand(String url, String replyTo, Duration timeout, Optional<String> sagaId, Optional<String> step,
                   Optional<String> kind, Optional<String> messageId, Optional<String> idempotencyKey,
                   Optional<io.sagaflow.wire.HttpProtection> protection) {

    /** The request timeout of a command that names none. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** The URLs of the participant's instances, one or several. */
    java.util.List<String> instances() {
        return java.util.List.of(url.trim().split("\\s+"));
    }

    /**
     * The command in {@code headers}; empty when it names no URL or no reply topic: such a command can be neither
     * called nor answered.
     *
     * @throws NumberFormatException    when {@code sagaflow-http-timeout-ms} is not a number
     * @throws IllegalArgumentException when {@code sagaflow-http-protection} is malformed
     */
    static Optional<HttpCommand> read(Headers headers) {
        Optional<String> url = get(headers, KafkaHeader.HTTP_URL);
        Optional<String> replyTo = get(headers, KafkaHeader.REPLY_TO);
        if (url.isEmpty() || replyTo.isEmpty()) {
            return Optional.empty();
        }
        Duration timeout = get(headers, KafkaHeader.HTTP_TIMEOUT_MS).map(Long::parseLong).map(Duration::ofMillis)
                .orElse(DEFAULT_TIMEOUT);
        return Optional.of(new HttpCommand(url.get(), replyTo.get(), timeout, get(headers, KafkaHeader.SAGA_ID),
                get(headers, KafkaHeader.STEP), get(headers, KafkaHeader.KIND), get(headers, KafkaHeader.MESSAGE_ID),
                get(headers, KafkaHeader.IDEMPOTENCY_KEY),
                get(headers, KafkaHeader.HTTP_PROTECTION).map(io.sagaflow.wire.HttpProtection::parse)));
    }

    /**
     * The call to one instance: {@code POST <its url>} with the input as JSON and the SPEC §5 headers (empty when the command lacked the
     * field: the participant then refuses it as not a Sagaflow command, and that answer is a RETRY).
     *
     * @throws IllegalArgumentException when the URL is not one
     */
    HttpRequest request(String instance, byte[] input, java.util.Map<String, String> traceHeaders) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance));
        traceHeaders.forEach(request::header);
        return request
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(HttpHeader.SAGA_ID, sagaId.orElse(""))
                .header(HttpHeader.STEP, step.orElse(""))
                .header(HttpHeader.KIND, kind.orElse(""))
                .header(HttpHeader.MESSAGE_ID, messageId.orElse(""))
                .header(HttpHeader.IDEMPOTENCY_KEY, idempotencyKey.orElse(""))
                .POST(HttpRequest.BodyPublishers.ofByteArray(input == null ? new byte[0] : input))
                .build();
    }

    /**
     * The reply to {@link #replyTo}: keyed like the command (by saga id), value = the answer's body, headers = the
     * command's saga id, step, kind and message id (those it had) plus the outcome, as a Kafka participant replies.
     */
    ProducerRecord<byte[], byte[]> reply(byte[] key, HttpAnswer answer) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(replyTo, key, answer.body());
        sagaId.ifPresent(v -> put(record.headers(), KafkaHeader.SAGA_ID, v));
        step.ifPresent(v -> put(record.headers(), KafkaHeader.STEP, v));
        kind.ifPresent(v -> put(record.headers(), KafkaHeader.KIND, v));
        messageId.ifPresent(v -> put(record.headers(), KafkaHeader.MESSAGE_ID, v));
        put(record.headers(), KafkaHeader.OUTCOME, answer.outcome().wire());
        answer.retryAfter().ifPresent(after -> put(record.headers(), KafkaHeader.RETRY_AFTER_MS,
                Long.toString(after.toMillis())));
        return record;
    }

    private static Optional<String> get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
