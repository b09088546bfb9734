package io.sagaflow.connectors.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.wire.KafkaHeader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
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
 * {@code sagaflow-http-url} with the SPEC §5 headers ({@link HttpCommand}), and publishes the answer as a reply
 * ({@link HttpAnswer}): 2xx = SUCCESS, 409/422 = FAILURE, anything else or no answer within the timeout = RETRY.
 * The commands of one poll are called concurrently; offsets are committed after every reply of the poll was
 * acknowledged, so a crash calls again (with the same Idempotency-Key and message id) rather than drop a command.
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
        Optional<HttpCommand> read = HttpCommand.read(record.headers());
        if (read.isEmpty()) {
            LOG.errorf("dropping a command without %s or %s at %s-%d@%d", KafkaHeader.HTTP_URL, KafkaHeader.REPLY_TO,
                    record.topic(), record.partition(), record.offset());
            return CompletableFuture.completedFuture(null);
        }
        HttpCommand command = read.get();
        long started = System.nanoTime();
        return http.sendAsync(command.request(record.value()), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> error != null
                        ? HttpAnswer.unanswered(error)
                        : HttpAnswer.answered(response.statusCode(), response.body()))
                .thenCompose(answer -> {
                    metrics.timer("sagaflow.http.call", "outcome", answer.outcome().wire())
                            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    return send(command.reply(record.key(), answer));
                });
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
}
