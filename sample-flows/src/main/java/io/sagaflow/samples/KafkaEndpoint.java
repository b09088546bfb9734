package io.sagaflow.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka participants (SPEC §5): reads commands from one topic per participant and replies on the topic named by
 * {@code sagaflow-reply-to}. Offsets are committed only after the replies of a poll were acknowledged.
 */
final class KafkaEndpoint implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaEndpoint.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Shop shop;
    private final Map<String, String> participantByTopic;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private volatile boolean running = true;

    KafkaEndpoint(Shop shop, String bootstrap, String groupId, Map<String, String> participantByTopic) {
        this.shop = shop;
        this.participantByTopic = Map.copyOf(participantByTopic);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        thread = new Thread(this::run, "sample-kafka-participants");
    }

    void start() {
        consumer.subscribe(participantByTopic.keySet());
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                List<Future<?>> replies = new ArrayList<>();
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> record : records) {
                    handle(record, replies);
                }
                for (Future<?> reply : replies) {
                    reply.get();
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "sample Kafka participants stopped", e);
        } finally {
            consumer.close();
        }
    }

    private void handle(ConsumerRecord<String, String> record, List<Future<?>> replies) throws Exception {
        Headers h = record.headers();
        String participant = participantByTopic.get(record.topic());
        JsonNode input = record.value() == null ? JSON.nullNode() : JSON.readTree(record.value());
        Shop.Answer answer = shop.handle(participant, header(h, "sagaflow-command"), header(h, "sagaflow-kind"),
                header(h, "sagaflow-saga-id"), header(h, "sagaflow-step"), header(h, "sagaflow-idempotency-key"),
                header(h, "sagaflow-message-id"), input);
        if (answer.silent()) {
            return;
        }
        ProducerRecord<String, String> reply = new ProducerRecord<>(header(h, "sagaflow-reply-to"), record.key(),
                answer.body().toString());
        for (String name : List.of("sagaflow-saga-id", "sagaflow-step", "sagaflow-kind", "sagaflow-message-id")) {
            reply.headers().add(name, header(h, name).getBytes(StandardCharsets.UTF_8));
        }
        reply.headers().add("sagaflow-outcome", answer.outcome().getBytes(StandardCharsets.UTF_8));
        replies.add(producer.send(reply));
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        producer.close(Duration.ofSeconds(5));
    }
}
