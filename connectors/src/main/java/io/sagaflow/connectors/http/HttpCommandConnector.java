package io.sagaflow.connectors.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.connectors.tracing.SagaLogContext;
import io.sagaflow.connectors.tracing.TraceContext;
import io.sagaflow.loops.Backoff;
import io.sagaflow.loops.Supervisor;
import io.sagaflow.wire.KafkaHeader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
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
    /** Restarts of the connector's loop after an unexpected failure: 1 s, doubling, at most 30 s. */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ExecutorService callers;
    private Supervisor supervisor;
    private volatile boolean running;
    private final OpenTelemetry otel;
    private final Tracer tracer;
    /** Ejection of an instance that failed: 5 s, doubling with failures in a row, at most a minute. */
    private final Instances instances = new Instances(Duration.ofSeconds(5), Duration.ofMinutes(1));
    private final java.time.Clock clock = java.time.Clock.systemUTC();
    /** Circuit breakers, bulkheads and rate limits of the participants that declare them. */
    private final ParticipantGuards guards;
    private volatile List<String> assigned = List.of();
    private volatile int partitionCount;

    public HttpCommandConnector(SagaflowConfig config, KafkaClients kafka, MeterRegistry metrics,
                                Instance<OpenTelemetry> openTelemetry) {
        this.config = config;
        this.kafka = kafka;
        this.metrics = metrics;
        this.otel = openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop();
        this.tracer = otel.getTracer("io.sagaflow.connectors.http");
        this.guards = new ParticipantGuards(clock, (participant, reason) -> metrics.counter("sagaflow.http.deferred",
                "participant", participant, "reason", reason).increment());
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.httpConnector().enabled()) {
            return;
        }
        kafka.ensureTopics(List.of(config.httpConnector().topic()));
        callers = Executors.newFixedThreadPool(config.httpConnector().concurrency(),
                r -> new Thread(r, "sagaflow-http-call"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(callers).build();
        producer = kafka.producer("sagaflow-http-connector");
        partitionCount = kafka.partitions(config.httpConnector().topic());
        running = true;
        // Supervised: an unexpected failure (a reply Kafka would not take, say) closes the consumer and a new one
        // starts after a backoff; the poll's offsets were not committed, so its commands are called again (same
        // Idempotency-Key and message id).
        supervisor = new Supervisor("sagaflow-http-connector", RESTART, this::run, new Supervisor.Listener() { },
                java.time.Clock.systemUTC());
        supervisor.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (!running) {
            return;
        }
        supervisor.stop(Duration.ofSeconds(10), () -> {
            running = false;   // after the supervisor's own flag: the loop's end is then never taken for a failure
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        });
        producer.close(Duration.ofSeconds(5));
        callers.shutdownNow();
    }

    private void run(java.util.function.BooleanSupplier supervised) {
        consumer = kafka.consumer(config.httpConnector().group(), "sagaflow-http-connector");
        try {
            KafkaConsumer<byte[], byte[]> mine = consumer;
            mine.subscribe(List.of(config.httpConnector().topic()), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    assigned = List.of();
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    assigned = mine.assignment().stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList();
                }
            });
            while (running && supervised.getAsBoolean()) {
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
            if (running && supervised.getAsBoolean()) {
                throw e;
            }
        } finally {
            assigned = List.of();
            consumer.close();
        }
    }

    /** True when this node runs the connector (sagaflow.http-connector.enabled). */
    public boolean running() {
        return running;
    }

    /** The command partitions this node's connector consumes now, as {@code topic-partition}. */
    public List<String> assignedPartitions() {
        return assigned;
    }

    /** What the protections of the HTTP participants this node called are doing (circuit state, calls held back). */
    public List<java.util.Map<String, Object>> participants() {
        return guards.status().stream().map(s -> {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("name", s.name());
            m.put("circuit", s.circuit());
            s.openSince().ifPresent(at -> m.put("openSince", at.toString()));
            m.put("inFlight", s.inFlight());
            m.put("deferredCircuitOpen", s.deferredCircuitOpen());
            m.put("deferredRateLimited", s.deferredRateLimited());
            m.put("deferredBulkheadFull", s.deferredBulkheadFull());
            return m;
        }).toList();
    }

    /** This node's part of the command partitions: its part of a participant's rate limit. */
    private double rateShare() {
        int total = partitionCount;
        int mine = assigned.size();
        return total <= 0 || mine <= 0 ? 1.0 : Math.min(1.0, (double) mine / total);
    }

    /** Partitions of the HTTP command topic; 0 when the connector does not run here. */
    public int partitionCount() {
        return partitionCount;
    }

    private CompletableFuture<Void> call(ConsumerRecord<byte[], byte[]> record) {
        Optional<HttpCommand> read;
        try {
            read = HttpCommand.read(record.headers());
        } catch (RuntimeException malformed) {
            // e.g. a timeout header that is not a number: no reply can be built; the attempt times out in the engine
            LOG.errorf("dropping a malformed command at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                    malformed.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        if (read.isEmpty()) {
            LOG.errorf("dropping a command without %s or %s at %s-%d@%d", KafkaHeader.HTTP_URL, KafkaHeader.REPLY_TO,
                    record.topic(), record.partition(), record.offset());
            return CompletableFuture.completedFuture(null);
        }
        HttpCommand command = read.get();
        try (SagaLogContext saga = SagaLogContext.of(command.sagaId().orElse("?"))) {
            return call(record, command);
        }
    }

    private CompletableFuture<Void> call(ConsumerRecord<byte[], byte[]> record, HttpCommand command) {
        long started = System.nanoTime();
        // One CLIENT span per call, child of the step attempt's span; the reply carries it back to the engine.
        Span span = tracer.spanBuilder("POST " + command.step().orElse(""))
                .setParent(TraceContext.of(otel, record.headers()))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("http.request.method", "POST")
                .setAttribute("sagaflow.saga.id", command.sagaId().orElse(""))
                .setAttribute("sagaflow.step", command.step().orElse(""))
                .setAttribute("sagaflow.kind", command.kind().orElse(""))
                .startSpan();
        Context traced = Context.root().with(span);
        List<String> order = instances.order(command.instances(), clock.instant());
        java.util.function.Supplier<CompletableFuture<HttpAnswer>> attempt =
                () -> callInstance(record, command, order, 0, traced);
        CompletableFuture<HttpAnswer> answered = command.protection()
                .map(protection -> guards.call(protection, rateShare(), attempt))
                .orElseGet(attempt);
        return answered
                .thenCompose(answer -> {
                    metrics.timer("sagaflow.http.call", "outcome", answer.outcome().wire())
                            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    span.setAttribute("sagaflow.outcome", answer.outcome().wire());
                    span.end();
                    return send(traced(command.reply(record.key(), answer), traced));
                });
    }

    /**
     * Calls {@code order.get(i)}. A call that did not reach the instance (connection refused or not made in time)
     * ejects it and goes on to the next instance in the same attempt: the participant never saw it. Any other failure
     * (reset, timeout after sending) also ejects the instance but is this attempt's answer, since the participant may
     * have acted on it (its retry carries the same Idempotency-Key).
     */
    private CompletableFuture<HttpAnswer> callInstance(ConsumerRecord<byte[], byte[]> record, HttpCommand command,
                                                       List<String> order, int i, Context traced) {
        String instance = order.get(i);
        Span span = Span.fromContext(traced);
        span.setAttribute("url.full", instance);
        java.net.http.HttpRequest request;
        try {
            request = command.request(instance, record.value(), TraceContext.asHeaders(otel, traced));
        } catch (RuntimeException unusable) {
            // A URL or timeout the HTTP client refuses: this attempt fails (RETRY), the loop goes on.
            LOG.warnf("cannot call %s for %s-%d@%d: %s", instance, record.topic(), record.partition(), record.offset(),
                    unusable.getMessage());
            span.setStatus(StatusCode.ERROR, unusable.getMessage());
            return CompletableFuture.completedFuture(HttpAnswer.unanswered(unusable));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error == null) {
                        instances.answered(instance);
                        span.setAttribute("http.response.status_code", response.statusCode());
                        return CompletableFuture.completedFuture(HttpAnswer.answered(response.statusCode(), response.body()));
                    }
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    Duration ejection = instances.failed(instance, clock.instant());
                    boolean notDelivered = cause instanceof java.net.ConnectException
                            || cause instanceof java.net.http.HttpConnectTimeoutException;
                    if (command.instances().size() > 1) {
                        LOG.warnf("instance %s of step %s ejected for %d s: %s", instance, command.step().orElse("?"),
                                ejection.toSeconds(), cause);
                    }
                    if (notDelivered && i + 1 < order.size()) {
                        span.addEvent("instance failed over: " + instance);
                        return callInstance(record, command, order, i + 1, traced);
                    }
                    span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
                    return CompletableFuture.completedFuture(HttpAnswer.unanswered(cause));
                })
                .thenCompose(answer -> answer);
    }

    private ProducerRecord<byte[], byte[]> traced(ProducerRecord<byte[], byte[]> reply, Context context) {
        TraceContext.write(otel, context, reply.headers());
        return reply;
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
