package io.sagaflow.participant;

import io.sagaflow.participant.internal.KafkaSetup;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.participant.internal.BarrierRules;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.sagaflow.loops.Backoff;
import io.sagaflow.loops.Supervisor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;


/**
 * A Kafka participant (SPEC §5): consumes the participant's command topic, runs each command through a
 * {@link CommandHandler}, and replies on the command's {@code sagaflow-reply-to} topic. A poll's offsets are
 * committed only after Kafka acknowledged all its replies, so a crash redelivers commands (the barrier answers
 * the duplicates) and never loses a reply.
 */
public final class KafkaParticipantRunner implements AutoCloseable {

    /** Code of the FAILURE answered to a command record that cannot be read (bad headers, not JSON). */
    public static final String UNREADABLE_COMMAND = "unreadable-command";

    private static final Logger LOG = Logger.getLogger(KafkaParticipantRunner.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final Duration BACKOFF_AFTER_FAILED_BATCH = Duration.ofSeconds(1);

    /**
     * Where to read commands.
     *
     * @param bootstrapServers Kafka's {@code host:port} list
     * @param topic            the participant's command topic (the flow's {@code kafka.topic})
     * @param groupId          the consumer group shared by all instances of the participant
     */
    public record Options(String bootstrapServers, String topic, String groupId) {
        /** All three are required. */
        public Options {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers must not be null");
            Objects.requireNonNull(topic, "topic must not be null");
            Objects.requireNonNull(groupId, "groupId must not be null");
        }
    }

    /**
     * Thrown by a handler (directly or by failing its stage) to leave one command unanswered: the record is
     * consumed and no reply is produced, so the engine sees what it sees when a participant is down, and its step
     * timeout applies. Meant for simulations and tests (the sample participants' {@code timeout} knob); a real
     * participant that cannot answer now should answer RETRY instead.
     */
    public static final class NoReply extends RuntimeException {
        /** Why the command is left unanswered, for the log. */
        public NoReply(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Restarts of the consuming loop after an unexpected failure: 1 s, doubling, at most 30 s. */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final CommandHandler handler;
    private final Options options;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Supervisor supervisor;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private volatile CommandTracing tracing = CommandTracing.detect();

    /** A runner; call {@link #start()} to begin consuming. */
    public KafkaParticipantRunner(CommandHandler handler, Options options) {
        this.handler = Objects.requireNonNull(handler, "handler must not be null");
        this.options = Objects.requireNonNull(options, "options must not be null");
        producer = KafkaSetup.producer(options.bootstrapServers());
        // Supervised: an unexpected failure closes the consumer and starts a new one after a backoff (the offsets of
        // unanswered commands were not committed, so they come again); supervisor().status() tells it.
        supervisor = new Supervisor("sagaflow-participant-" + options.topic(), RESTART, this::run,
                new Supervisor.Listener() { }, java.time.Clock.systemUTC());
    }

    /** How commands continue the engine's trace; {@link CommandTracing#detect()} unless set. */
    public KafkaParticipantRunner tracing(CommandTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing must not be null");
        return this;
    }

    /** Subscribes and starts consuming on a thread of its own. */
    public KafkaParticipantRunner start() {
        running = true;
        supervisor.start();
        return this;
    }

    /** The consuming loop's state (RUNNING, RESTARTING after a failure, STOPPED) and its restarts. */
    public Supervisor.Status status() {
        return supervisor.status();
    }

    private void run(java.util.function.BooleanSupplier supervised) throws InterruptedException {
        Properties c = KafkaSetup.consumer(options.bootstrapServers(), options.groupId());
        // Bytes, not strings: decoding happens in our code, so a bad record is answered instead of poisoning poll().
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            consumer.subscribe(List.of(options.topic()));
            while (running && supervised.getAsBoolean()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    replyToAll(records);
                    consumer.commitSync(nextOffsets(records));
                } catch (WakeupException e) {
                    throw e;
                } catch (Exception e) {
                    // A reply was not acknowledged: read the batch again (the barrier makes that harmless).
                    LOG.log(Level.WARNING, "replies of a batch on " + options.topic() + " failed; redelivering", e);
                    rewind(records);
                    Thread.sleep(BACKOFF_AFTER_FAILED_BATCH.toMillis());
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

    private void replyToAll(ConsumerRecords<byte[], byte[]> records) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            reply(record).ifPresent(r -> acks.add(producer.send(r)));
        }
        for (Future<?> ack : acks) {
            ack.get();
        }
    }

    /**
     * The reply to one record; empty when it names no reply address (it is then logged and skipped) or when the
     * handler asked for no reply ({@link NoReply}).
     */
    private Optional<ProducerRecord<byte[], byte[]>> reply(ConsumerRecord<byte[], byte[]> record) {
        Headers h = record.headers();
        Optional<String> sagaId = header(h, KafkaHeader.SAGA_ID);
        Optional<String> step = header(h, KafkaHeader.STEP);
        Optional<String> kindName = header(h, KafkaHeader.KIND);
        Optional<String> messageId = header(h, KafkaHeader.MESSAGE_ID);
        String replyTo = header(h, KafkaHeader.REPLY_TO).orElse(KafkaHeader.DEFAULT_REPLY_TOPIC);
        if (sagaId.isEmpty() || step.isEmpty() || kindName.isEmpty() || messageId.isEmpty()) {
            LOG.warning(() -> "skipping a record of " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " that names no saga, step, kind or message id: it cannot be answered");
            return Optional.empty();
        }
        Optional<Answer> answer = resultOf(record, sagaId.get(), step.get(), kindName.get(), messageId.get());
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        CommandResult result = answer.get().result();
        ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(replyTo, utf8(sagaId.get()), json(result.body()));
        reply.headers().add(KafkaHeader.SAGA_ID, utf8(sagaId.get()));
        reply.headers().add(KafkaHeader.STEP, utf8(step.get()));
        reply.headers().add(KafkaHeader.KIND, utf8(kindName.get()));
        reply.headers().add(KafkaHeader.MESSAGE_ID, utf8(messageId.get()));
        reply.headers().add(KafkaHeader.OUTCOME, utf8(result.outcome().wire()));
        answer.get().traceparent().ifPresent(tp -> reply.headers().add(KafkaHeader.TRACEPARENT, utf8(tp)));
        return Optional.of(reply);
    }

    /** The handler's result and the trace context its reply carries. */
    private record Answer(CommandResult result, Optional<String> traceparent) {
    }

    private Optional<Answer> resultOf(ConsumerRecord<byte[], byte[]> record, String sagaId, String step, String kindName,
                              String messageId) {
        CommandContext ctx;
        JsonNode input;
        try {
            CommandKind kind = CommandKind.fromWire(kindName)
                    .orElseThrow(() -> new IllegalArgumentException("unknown kind '" + kindName + "'"));
            Headers h = record.headers();
            ctx = new CommandContext(sagaId, step, kind, header(h, KafkaHeader.COMMAND).orElse(""), messageId,
                    header(h, KafkaHeader.IDEMPOTENCY_KEY).orElse(""));
            input = record.value() == null ? JSON.nullNode() : JSON.readTree(record.value());
        } catch (Exception e) {
            // Final: the same bytes would be just as unreadable on every retry.
            return Optional.of(new Answer(new CommandResult.Failure(UNREADABLE_COMMAND, e.getMessage()),
                    header(record.headers(), KafkaHeader.TRACEPARENT)));
        }
        try (CommandTracing.Attempt traced = tracing.start(ctx, header(record.headers(), KafkaHeader.TRACEPARENT))) {
            CommandResult result;
            try {
                result = handler.handle(ctx, input).toCompletableFuture().join();
            } catch (RuntimeException e) {
                if (BarrierRules.unwrap(e) instanceof NoReply noReply) {
                    LOG.fine(() -> "no reply to " + ctx.idempotencyKey() + ": " + noReply.getMessage());
                    return Optional.empty();
                }
                result = BarrierRules.fromException(e);
            }
            traced.outcome(result.outcome().wire());
            return Optional.of(new Answer(result, traced.traceparent()));
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private static Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null || header.value().length == 0
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops consuming; a poll in progress finishes its replies or is redelivered to another instance. */
    @Override
    public void close() throws InterruptedException {
        supervisor.stop(CLOSE_WAIT, () -> {
            running = false;   // after the supervisor's own flag: the loop's end is then never taken for a failure
            KafkaConsumer<byte[], byte[]> current = consumer;
            if (current != null) {
                current.wakeup();
            }
        });
        producer.close(CLOSE_WAIT);
    }
}
