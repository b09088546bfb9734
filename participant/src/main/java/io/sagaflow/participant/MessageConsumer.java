package io.sagaflow.participant;

import io.sagaflow.participant.internal.KafkaSetup;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.KafkaHeader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import io.sagaflow.loops.Backoff;
import io.sagaflow.loops.Supervisor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer of reliable messages (SPEC §3.2, {@code kind: Message}): runs the handler for each committed message
 * under the barrier (keyed by message id and consumer group, so a redelivered or redriven message takes effect once
 * per group), retries a failing handler per the flow's {@code delivery.retry}, and when the retries are spent reports
 * the message to the engine's dead-letter store ({@code POST /api/messages/{id}/dead-letter}) and moves on.
 *
 * <p>Retries wait in line: the partition does not move while a message is retried, which keeps one key's messages in
 * order. The offset is committed only after the message took effect or was reported, so a crash redelivers it.
 */
public final class MessageConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MessageConsumer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REPORT_RETRY = Duration.ofSeconds(1);

    /**
     * Exponential backoff between attempts of one message.
     *
     * @param maxAttempts  attempts in all, the first included (>= 1)
     * @param initialDelay the wait before the second attempt
     * @param maxDelay     the longest wait
     */
    public record Retry(int maxAttempts, Duration initialDelay, Duration maxDelay) {
        /** Validates. */
        public Retry {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
            Objects.requireNonNull(initialDelay, "initialDelay must not be null");
            Objects.requireNonNull(maxDelay, "maxDelay must not be null");
        }

        /** The wait after attempt {@code attempt} failed. */
        public Duration delayAfter(int attempt) {
            long millis = initialDelay.toMillis() << Math.min(attempt - 1, 30);
            return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
        }
    }

    /**
     * Where to read and whom to tell.
     *
     * @param bootstrapServers Kafka's {@code host:port} list
     * @param topic            the Message flow's topic
     * @param groupId          this consumer's group: every group gets every message once
     * @param engine           the engine's base URI, for dead-letter reports
     * @param retry            the flow's {@code delivery.retry}
     */
    public record Options(String bootstrapServers, String topic, String groupId, URI engine, Retry retry) {
        /** All are required. */
        public Options {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers must not be null");
            Objects.requireNonNull(topic, "topic must not be null");
            Objects.requireNonNull(groupId, "groupId must not be null");
            Objects.requireNonNull(engine, "engine must not be null");
            Objects.requireNonNull(retry, "retry must not be null");
        }
    }

    /** Restarts of the consuming loop after an unexpected failure: 1 s, doubling, at most 30 s. */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final Options options;
    private final JdbcBarrier barrier;
    private final BusinessMethod<Connection> handler;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Properties consumerConfig;
    private final Supervisor supervisor;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;

    /**
     * A consumer; call {@link #start()}. {@code handler} gets a context whose {@code sagaId} and {@code messageId}
     * are the message id and whose {@code command} is the flow name, the payload as input, and the local transaction.
     */
    public MessageConsumer(Options options, DataSource dataSource, BusinessMethod<Connection> handler) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.barrier = new JdbcBarrier(dataSource);
        this.handler = Objects.requireNonNull(handler, "handler must not be null");
        Properties c = KafkaSetup.consumer(options.bootstrapServers(), options.groupId());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        // A message may be retried in line for as long as its schedule lasts; the group must not evict us meanwhile.
        long schedule = 0;
        for (int a = 1; a < options.retry().maxAttempts(); a++) {
            schedule += options.retry().delayAfter(a).toMillis();
        }
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(Math.max(300_000L, schedule + 300_000L)));
        consumerConfig = c;
        // Supervised: an unexpected failure closes the consumer and starts a new one after a backoff; the message being
        // processed was not committed, so it comes again (the barrier makes that harmless).
        supervisor = new Supervisor("sagaflow-messages-" + options.topic(), RESTART, this::run,
                new Supervisor.Listener() { }, java.time.Clock.systemUTC());
    }

    /** Subscribes and starts consuming on a thread of its own. */
    public MessageConsumer start() {
        running = true;
        supervisor.start();
        return this;
    }

    /** The consuming loop's state (RUNNING, RESTARTING after a failure, STOPPED) and its restarts. */
    public Supervisor.Status status() {
        return supervisor.status();
    }

    private void run(java.util.function.BooleanSupplier supervised) throws InterruptedException {
        consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            consumer.subscribe(List.of(options.topic()));
            while (running && supervised.getAsBoolean()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (!process(record)) {
                        return;   // closing mid-message: its offset stays, the next consumer takes it
                    }
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    /** Takes the message to its end here: applied, refused for good, or reported as dead; false if closed first. */
    private boolean process(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        String messageId = header(record, KafkaHeader.MESSAGE_ID);
        if (messageId == null) {
            LOG.warning("skipping a record without " + KafkaHeader.MESSAGE_ID + " at " + record.topic() + "-"
                    + record.partition() + "@" + record.offset());
            return true;
        }
        String flow = header(record, KafkaHeader.COMMAND);
        CommandContext ctx = new CommandContext(messageId, options.groupId(), CommandKind.ACTION,
                flow == null ? options.topic() : flow, messageId, messageId + ":" + options.groupId() + ":action");
        JsonNode payload;
        try {
            payload = record.value() == null ? JSON.nullNode() : JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return report(messageId, "unreadable-message", 1, "the value is not JSON: " + e.getMessage());
        }
        for (int attempt = 1; running; attempt++) {
            CommandResult outcome = barrier.run(ctx, payload, handler);
            if (outcome instanceof CommandResult.Success) {
                return true;
            }
            if (outcome instanceof CommandResult.Failure failure) {
                // Refused for good: retrying cannot help, an operator must look at it.
                return report(messageId, "refused", attempt, failure.code() + ": " + failure.message());
            }
            if (attempt >= options.retry().maxAttempts()) {
                return report(messageId, "delivery-retries-spent", attempt, ((CommandResult.Retry) outcome).reason());
            }
            Thread.sleep(options.retry().delayAfter(attempt).toMillis());
        }
        return false;
    }

    /** Reports a dead message to the engine; retried until the engine has it (the offset waits for it). */
    private boolean report(String messageId, String reason, int attempts, String detail) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("consumer", options.groupId()).put("reason", reason)
                .put("attempts", attempts).put("detail", detail);
        HttpRequest request = EngineToken.authorize(HttpRequest.newBuilder(options.engine().resolve("/api/messages/" + messageId + "/dead-letter")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        while (running) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    LOG.info("message " + messageId + " reported to the dead-letter store (" + reason + ")");
                    return true;
                }
                if (status == 404) {
                    LOG.warning("the engine does not know message " + messageId + "; not reported");
                    return true;
                }
                LOG.warning("reporting message " + messageId + " answered " + status + "; retrying");
            } catch (java.io.IOException e) {
                LOG.warning("reporting message " + messageId + " failed (" + e.getMessage() + "); retrying");
            }
            Thread.sleep(REPORT_RETRY.toMillis());
        }
        return false;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Stops consuming; a message being retried is left for the next consumer (its offset is not committed). */
    @Override
    public void close() throws InterruptedException {
        supervisor.stop(Duration.ofSeconds(10), () -> {
            running = false;   // after the supervisor's own flag: the loop's end is then never taken for a failure
            KafkaConsumer<byte[], byte[]> current = consumer;
            if (current != null) {
                current.wakeup();
            }
        });
    }
}
