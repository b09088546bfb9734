package io.sagaflow.connectors.kafka;

import io.sagaflow.config.SagaflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates the Kafka clients of Sagaflow with the settings every one of them needs, plus the installation's own:
 * every {@code kafka.*} property (or {@code KAFKA_*} environment variable) is passed to every producer, consumer
 * and admin client, the way Quarkus's Kafka extensions read them: TLS ({@code kafka.security.protocol=SSL},
 * {@code kafka.ssl.truststore.location}, ...), SASL ({@code kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config}
 * from the environment), timeouts. docs/security.md shows them.
 */
@ApplicationScoped
public class KafkaClients {

    /** How long a topic this node just created may stay unknown to the broker's metadata. */
    static final java.time.Duration TOPIC_VISIBLE_WAIT = java.time.Duration.ofSeconds(10);

    private final SagaflowConfig config;
    private final Map<String, String> installation;

    public KafkaClients(SagaflowConfig config) {
        this.config = config;
        org.eclipse.microprofile.config.Config mp = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        this.installation = clientSettings(mp.getPropertyNames(), name -> mp.getOptionalValue(name, String.class));
    }

    /**
     * The Kafka client settings among configuration names: {@code kafka.x.y} and {@code KAFKA_X_Y} (the
     * environment's spelling) as {@code x.y}; a dotted name wins over its environment twin. Not
     * {@code bootstrap.servers} (that is {@code sagaflow.kafka.bootstrap-servers}) nor the SmallRye Reactive
     * Messaging channel settings ({@code kafka.}{@code mp.messaging...} is not ours either way).
     */
    static Map<String, String> clientSettings(Iterable<String> names, java.util.function.Function<String, Optional<String>> value) {
        Map<String, String> fromEnv = new TreeMap<>();
        Map<String, String> dotted = new TreeMap<>();
        for (String name : names) {
            if (name.startsWith("kafka.")) {
                value.apply(name).ifPresent(v -> dotted.put(name.substring("kafka.".length()), v));
            } else if (name.startsWith("KAFKA_") && name.equals(name.toUpperCase(java.util.Locale.ROOT))) {
                value.apply(name).ifPresent(v -> fromEnv.put(name.substring("KAFKA_".length())
                        .toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v));
            }
        }
        Map<String, String> out = new TreeMap<>(fromEnv);
        out.putAll(dotted);
        out.remove("bootstrap.servers");
        return out;
    }

    /** The installation's settings, then the ones Sagaflow's correctness rests on (never overridden). */
    private Properties base() {
        Properties p = new Properties();
        p.putAll(installation);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        return p;
    }

    /** An idempotent producer that waits for all in-sync replicas. */
    public KafkaProducer<byte[], byte[]> producer(String clientId) {
        Properties p = base();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer that commits only when told to, starting from the earliest record of a new group. */
    public KafkaConsumer<byte[], byte[]> consumer(String group, String clientId) {
        Properties c = base();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        // A dead node's partitions move to the others after this long (Kafka's default is 45 s).
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * How many records a consumer group has not committed yet, summed over its partitions (end offset minus committed
     * offset); 0 for a group that committed nothing. Blocking: one admin round trip of a few milliseconds.
     */
    public long groupLag(String group, java.time.Duration timeout) throws Exception {
        Properties a = base();
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(a)) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (committed.isEmpty()) {
                return 0;
            }
            java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            long lag = 0;
            for (var e : committed.entrySet()) {
                if (e.getValue() != null && ends.containsKey(e.getKey())) {
                    lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                }
            }
            return lag;
        }
    }

    /** Creates the topics that do not exist yet, with the configured partition count. */
    public void ensureTopics(Collection<String> topics) {
        Properties a = base();
        try (Admin admin = Admin.create(a)) {
            List<NewTopic> wanted = topics.stream().distinct()
                    .map(t -> new NewTopic(t, config.kafka().partitions(), (short) 1)).toList();
            for (var entry : admin.createTopics(wanted).values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        }
    }

    /**
     * The number of partitions of an existing topic. A topic created a moment ago may not be known to the broker's
     * metadata yet (seen on a fresh broker: "This server does not host this topic-partition"), so that answer is
     * asked again for up to {@link #TOPIC_VISIBLE_WAIT}.
     */
    public int partitions(String topic) {
        Properties a = base();
        long giveUp = System.nanoTime() + TOPIC_VISIBLE_WAIT.toNanos();
        try (Admin admin = Admin.create(a)) {
            while (true) {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > giveUp) {
                        throw new IllegalStateException("cannot describe topic " + topic, e.getCause());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /** The partition Kafka's default partitioner gives a record with this (UTF-8 string) key. */
    public static int partitionOf(String key, int partitions) {
        byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes)) % partitions;
    }
}
