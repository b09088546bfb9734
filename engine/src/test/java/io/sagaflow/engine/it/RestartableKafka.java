package io.sagaflow.engine.it;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * An in-JVM KRaft Kafka broker (broker and controller in one) that a test can stop and start again like a real
 * broker restart: the same ports, the same cluster id and the same log directory, so topics, records and
 * committed consumer offsets survive. Clients keep their bootstrap address and reconnect by themselves.
 * {@link #close()} stops it and deletes its data.
 */
final class RestartableKafka implements AutoCloseable {

    private final int kafkaPort = TestInfra.freePort();
    private final int controllerPort = TestInfra.freePort();
    private final String clusterId = Uuid.randomUuid().toString();
    private final Path logDir;
    private EmbeddedKafkaBroker broker;

    RestartableKafka() {
        try {
            logDir = Files.createTempDirectory("sagaflow-it-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the broker (formats the log directory on the first start only); returns once it is unfenced. */
    synchronized RestartableKafka start() {
        if (broker != null) {
            return this;
        }
        broker = new EmbeddedKafkaBroker()
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(kafkaPort)
                .withControllerPort(controllerPort)
                .withClusterId(clusterId)
                .withDeleteLogDirsOnClose(false)
                .withAdditionalProperties(p -> {
                    p.put("log.dir", logDir.toString());
                    // A real broker stops with a controlled shutdown (kafka-server-stop.sh: SIGTERM). Without it
                    // the controller, restarting with the broker, keeps the old registration until its session
                    // times out (broker.session.timeout.ms, 9 s), and the new start waits that long
                    // (DUPLICATE_BROKER_REGISTRATION).
                    p.put("controlled.shutdown.enable", "true");
                })
                .start();
        return this;
    }

    /** A clean broker shutdown (what {@code kafka-server-stop} does); data stays in the log directory. */
    synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** host:port, stable across restarts. */
    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The committed offsets of a consumer group, as {@code topic-partition -> offset}. */
    Map<String, Long> committedOffsets(String group) throws Exception {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (Admin admin = Admin.create(config)) {
            Map<String, Long> out = new TreeMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((tp, offset) -> {
                        if (offset != null) {
                            out.put(tp.topic() + "-" + tp.partition(), offset.offset());
                        }
                    });
            return out;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }
}
