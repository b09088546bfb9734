package io.sagaflow.engine.it;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
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

    /** Starts the broker (formats the log directory on the first start only); returns when it serves. */
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
                .withAdditionalProperties(p -> p.put("log.dir", logDir.toString()))
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

    synchronized boolean running() {
        return broker != null;
    }

    /** host:port, stable across restarts. */
    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
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
