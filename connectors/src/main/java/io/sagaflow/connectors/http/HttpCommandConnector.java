package io.sagaflow.connectors.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.Headers;
import io.sagaflow.connectors.kafka.KafkaClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Calls HTTP participants. It takes their commands from Kafka like any participant, posts each to
 * {@code sagaflow-http-url} with the SPEC §5 headers, and publishes the answer as a reply: 2xx = SUCCESS,
 * 409/422 = FAILURE, anything else or no answer within the timeout = RETRY. The commands of one poll are called
 * concurrently; offsets are committed after every reply of the poll was acknowledged, so a crash calls again
 * (with the same Idempotency-Key) rather than drop a command.
 */
@ApplicationScoped
public class HttpCommandConnector {

    private static final Logger LOG = Logger.getLogger(HttpCommandConnector.class);

    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final MeterRegistry metrics;
    private HttpClient http;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ExecutorService callers;
    private Thread loop;
    private volatile boolean running;

    public HttpCommandConnector(SagaflowConfig config, KafkaClients kafka, MeterRegistry metrics) {
        this.config = config;
        this.kafka = kafka;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.httpConnector().enabled()) {
            return;
        }
        kafka.ensureTopics(List.of(config.httpConnector().topic()));
        callers = Executors.newFixedThreadPool(config.httpConnector().concurrency(),
                r -> new Thread(r, "sagaflow-http-call"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(callers).build();
        consumer = kafka.consumer(config.httpConnector().group(), "sagaflow-http-connector");
        producer = kafka.producer("sagaflow-http-connector");
        running = true;
        loop = new Thread(this::run, "sagaflow-http-connector");
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        callers.shutdownNow();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(config.httpConnector().topic()));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    done.add(call(record));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("HTTP connector stopped", e);
        } finally {
            consumer.close();
        }
    }

    private CompletableFuture<Void> call(ConsumerRecord<byte[], byte[]> record) {
        var h = record.headers();
        Optional<String> url = Headers.get(h, Headers.HTTP_URL);
        Optional<String> replyTo = Headers.get(h, Headers.REPLY_TO);
        if (url.isEmpty() || replyTo.isEmpty()) {
            LOG.errorf("dropping a command without %s or %s at %s-%d@%d", Headers.HTTP_URL, Headers.REPLY_TO,
                    record.topic(), record.partition(), record.offset());
            return CompletableFuture.completedFuture(null);
        }
        long timeoutMs = Headers.get(h, Headers.HTTP_TIMEOUT_MS).map(Long::parseLong).orElse(30_000L);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url.get()))
                .timeout(Duration.ofMillis(timeoutMs))
                .header("Content-Type", "application/json")
                .header(io.sagaflow.participant.Wire.HTTP_SAGA_ID, Headers.get(h, Headers.SAGA_ID).orElse(""))
                .header(io.sagaflow.participant.Wire.HTTP_STEP, Headers.get(h, Headers.STEP).orElse(""))
                .header(io.sagaflow.participant.Wire.HTTP_KIND, Headers.get(h, Headers.KIND).orElse(""))
                .header("Sagaflow-Message-Id", Headers.get(h, Headers.MESSAGE_ID).orElse(""))
                .header(io.sagaflow.participant.Wire.HTTP_IDEMPOTENCY_KEY, Headers.get(h, Headers.IDEMPOTENCY_KEY).orElse(""))
                .POST(HttpRequest.BodyPublishers.ofByteArray(record.value() == null ? new byte[0] : record.value()))
                .build();
        long started = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> reply(record, replyTo.get(), response, error))
                .thenCompose(reply -> {
                    metrics.timer("sagaflow.http.call", "outcome", reply.outcome())
                            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    return send(reply.record());
                });
    }

    private record Reply(String outcome, ProducerRecord<byte[], byte[]> record) {
    }

    private static Reply reply(ConsumerRecord<byte[], byte[]> command, String replyTo,
                               HttpResponse<byte[]> response, Throwable error) {
        String outcome;
        byte[] body;
        if (error != null) {
            outcome = "RETRY";
            String reason = unwrap(error) instanceof HttpTimeoutException ? "no answer in time" : unwrap(error).toString();
            body = problem("HTTP_ERROR", reason);
        } else {
            int status = response.statusCode();
            outcome = status / 100 == 2 ? "SUCCESS" : status == 409 || status == 422 ? "FAILURE" : "RETRY";
            body = response.body() == null || response.body().length == 0 ? "null".getBytes(StandardCharsets.UTF_8)
                    : response.body();
            if (!outcome.equals("SUCCESS") && !looksLikeJson(body)) {
                body = problem("HTTP_" + status, new String(body, StandardCharsets.UTF_8));
            }
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(replyTo, command.key(), body);
        for (String name : List.of(Headers.SAGA_ID, Headers.STEP, Headers.KIND, Headers.MESSAGE_ID)) {
            Headers.get(command.headers(), name).ifPresent(v -> Headers.put(record.headers(), name, v));
        }
        Headers.put(record.headers(), Headers.OUTCOME, outcome);
        return new Reply(outcome, record);
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        producer.send(record, (meta, error) -> {
            if (error == null) {
                acked.complete(null);
            } else {
                acked.completeExceptionally(error);
            }
        });
        return acked;
    }

    private static Throwable unwrap(Throwable t) {
        return t.getCause() != null && t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
    }

    private static boolean looksLikeJson(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).trim();
        return s.startsWith("{") || s.startsWith("[");
    }

    private static byte[] problem(String code, String message) {
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
        return ("{\"code\":\"" + code + "\",\"message\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
