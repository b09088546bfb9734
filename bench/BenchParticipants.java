/*
 * Bench participants: the sample app's Kafka participants (io.sagaflow.samples.Shop behind the sample's own
 * io.sagaflow.samples.KafkaEndpoint), on topics and a consumer group of this bench run only.
 *
 * Why not `java ... io.sagaflow.samples.ShopParticipants`: its main() hard-codes the consumer group
 * `sample-participants` and the topics payments.commands / inventory.commands. Beside a running demo
 * (scripts/run.sh) the two apps would share those partitions: part of the bench's commands would be handled by
 * the demo's JVM, the demo's journal would fill with bench commands, and every start/stop would rebalance the
 * demo. KafkaEndpoint is package-private, so it is built here by reflection (the sample app is not edited).
 *
 * Source-launched (JDK 17), with the sample app and its libraries on the class path:
 *
 *   java -cp "sample-flows/target/sagaflow-sample-flows-0.1.0-SNAPSHOT.jar:sample-flows/target/lib/*" \
 *        bench/BenchParticipants.java run BOOTSTRAP GROUP PAYMENTS_TOPIC INVENTORY_TOPIC \
 *        [LAG_FILE REPLY_TOPIC ENGINE_REPLY_GROUP]
 *   java -cp ... bench/BenchParticipants.java cleanup BOOTSTRAP TOPIC,TOPIC,... GROUP,GROUP,...
 *   java -cp ... bench/BenchParticipants.java trace BOOTSTRAP OUT_FILE TOPIC,TOPIC,...
 *
 * With BENCH_PARTICIPANTS=instant-http, `run` serves HTTP participants on BENCH_HTTP_PORT that answer every call
 * 200 {} at once (InstantHttpParticipants); GROUP and PAYMENTS_TOPIC are then the engine's HTTP connector's, for the
 * lag of commands waiting for it.
 * With BENCH_PARTICIPANTS=instant, `run` answers every command SUCCESS at once instead (InstantParticipants below:
 * no Shop, no barrier, no database), so that the bench measures the engine rather than the sample's participants
 * (issue 13: "Kafka participants that answer at once").
 * `run` also writes, once a second, the consumer lag of the participants' group (commands waiting) and of the
 * engine's reply group (replies waiting) to LAG_FILE: "epoch_ms commands_lag replies_lag".
 * `cleanup` deletes the bench's topics and consumer groups (best effort).
 * `trace` reads every record of the given topics from the beginning (no consumer group) and writes one line per
 * record, "topic<TAB>sagaflow-message-id<TAB>record timestamp (ms)": the time the outbox relay produced a command
 * and the time a participant produced its reply, to split step latency into relay / participant / engine.
 */

import java.io.FileWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;

public class BenchParticipants {

    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    public static void main(String[] args) throws Exception {
        KAFKA_LOG.setLevel(Level.WARNING);
        if (args.length >= 5 && args[0].equals("run")) {
            run(args);
        } else if (args.length == 4 && args[0].equals("cleanup")) {
            cleanup(args[1], split(args[2]), split(args[3]));
        } else if (args.length == 4 && args[0].equals("trace")) {
            trace(args[1], args[2], split(args[3]));
        } else {
            System.err.println("usage: BenchParticipants run BOOTSTRAP GROUP PAYMENTS_TOPIC INVENTORY_TOPIC "
                    + "[LAG_FILE REPLY_TOPIC ENGINE_REPLY_GROUP]\n"
                    + "       BenchParticipants cleanup BOOTSTRAP TOPICS GROUPS\n"
                    + "       BenchParticipants trace BOOTSTRAP OUT_FILE TOPICS");
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        String bootstrap = args[1];
        String group = args[2];
        if ("instant-http".equals(System.getenv("BENCH_PARTICIPANTS"))) {
            // HTTP participants: the engine's HTTP connector consumes the commands (GROUP is its group, PAYMENTS_TOPIC
            // its topic, for the lag) and calls this server; the connector writes the replies.
            int port = Integer.parseInt(System.getenv("BENCH_HTTP_PORT"));
            AutoCloseable instant = InstantHttpParticipants.start(port);
            startLagSampler(args, bootstrap, group, Map.of(args[3], "http"));
            closeOnExit(instant);
            System.out.println("bench participants: instant HTTP answers on http://127.0.0.1:" + port);
            Thread.currentThread().join();
            return;
        }
        Map<String, String> topics = Map.of(args[3], "payments", args[4], "inventory");
        if ("instant".equals(System.getenv("BENCH_PARTICIPANTS"))) {
            AutoCloseable instant = InstantParticipants.start(bootstrap, group, List.copyOf(topics.keySet()));
            startLagSampler(args, bootstrap, group, topics);
            closeOnExit(instant);
            System.out.println("bench participants: instant answers on " + args[3] + " and " + args[4]
                    + ", group " + group + ", Kafka " + bootstrap);
            Thread.currentThread().join();
            return;
        }

        Class<?> shopClass = Class.forName("io.sagaflow.samples.Shop");
        // The sample participants run under the SDK's barrier: the bench uses the demo's participants database
        // (PARTICIPANTS_JDBC_URL, created if missing); barrier rows are keyed by saga id, so runs never collide.
        String jdbcUrl = System.getenv().getOrDefault("PARTICIPANTS_JDBC_URL",
                io.sagaflow.samples.ShopParticipants.DEFAULT_JDBC_URL);
        Object shop = shopClass.getDeclaredConstructor(javax.sql.DataSource.class)
                .newInstance(io.sagaflow.samples.ShopParticipants.database(jdbcUrl));
        Class<?> endpointClass = Class.forName("io.sagaflow.samples.KafkaEndpoint");
        Constructor<?> ctor = endpointClass.getDeclaredConstructor(shopClass, String.class, String.class, Map.class);
        ctor.setAccessible(true);
        AutoCloseable endpoint = (AutoCloseable) ctor.newInstance(shop, bootstrap, group, topics);
        var start = endpointClass.getDeclaredMethod("start");
        start.setAccessible(true);
        start.invoke(endpoint);

        startLagSampler(args, bootstrap, group, topics);
        closeOnExit(endpoint);
        System.out.println("bench participants: payments on " + args[3] + ", inventory on " + args[4]
                + ", group " + group + ", Kafka " + bootstrap);
        Thread.currentThread().join();
    }

    private static void closeOnExit(AutoCloseable resource) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resource.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }));
    }

    private static void startLagSampler(String[] args, String bootstrap, String group, Map<String, String> topics) {
        if (args.length >= 8) {
            String lagFile = args[5];
            String replyTopic = args[6];
            String replyGroup = args[7];
            Thread sampler = new Thread(() -> sampleLag(bootstrap, group, List.copyOf(topics.keySet()), replyGroup,
                    replyTopic, lagFile), "bench-lag-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }
    }

    /**
     * HTTP participants that answer every call {@code 200 {}} at once (SPEC §5: a 2xx is a success, its body the
     * step's output), on a pool of threads as a service would, so that the bench measures the HTTP connector's path
     * (issue 13, target 5).
     */
    static final class InstantHttpParticipants implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;
        private final java.util.concurrent.ExecutorService pool;

        private InstantHttpParticipants(int port) throws java.io.IOException {
            server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", port), 512);
            pool = java.util.concurrent.Executors.newFixedThreadPool(32);
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.setExecutor(pool);
        }

        static InstantHttpParticipants start(int port) throws java.io.IOException {
            InstantHttpParticipants p = new InstantHttpParticipants(port);
            p.server.start();
            return p;
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    /**
     * Participants that answer every command SUCCESS at once (value {@code {}}), a poll at a time: the replies of a
     * poll are sent, their acks awaited, then the poll's offsets committed (at-least-once, as the SDK runner).
     */
    static final class InstantParticipants implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer;
        private final Thread loop;
        private volatile boolean running = true;

        private InstantParticipants(String bootstrap, String group, List<String> topics) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
            consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            Properties p = new Properties();
            p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
            p.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, "1");
            producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            consumer.subscribe(topics);
            loop = new Thread(this::run, "bench-instant-participants");
        }

        static InstantParticipants start(String bootstrap, String group, List<String> topics) {
            InstantParticipants p = new InstantParticipants(bootstrap, group, topics);
            p.loop.start();
            return p;
        }

        private void run() {
            try {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        String replyTo = header(r, "sagaflow-reply-to");
                        var reply = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(
                                replyTo == null ? "sagaflow.replies" : replyTo, r.key(),
                                "{}".getBytes(StandardCharsets.UTF_8));
                        for (String h : List.of("sagaflow-saga-id", "sagaflow-step", "sagaflow-kind",
                                "sagaflow-message-id")) {
                            String v = header(r, h);
                            if (v != null) {
                                reply.headers().add(h, v.getBytes(StandardCharsets.UTF_8));
                            }
                        }
                        reply.headers().add("sagaflow-outcome", "SUCCESS".getBytes(StandardCharsets.UTF_8));
                        acks.add(producer.send(reply));
                    }
                    for (var ack : acks) {
                        ack.get();
                    }
                    if (!records.isEmpty()) {
                        consumer.commitSync();
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } catch (Exception e) {
                System.err.println("instant participants stopped: " + e);
            } finally {
                consumer.close();
                producer.close();
            }
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            loop.join(5000);
        }
    }

    /** Once a second: "epoch_ms commands_lag replies_lag" (-1 when a figure cannot be read yet). */
    private static void sampleLag(String bootstrap, String group, List<String> commandTopics, String replyGroup,
                                  String replyTopic, String file) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p); PrintWriter out = new PrintWriter(new FileWriter(file, true), true)) {
            while (true) {
                long now = System.currentTimeMillis();
                long commands = lag(admin, group, commandTopics);
                long replies = lag(admin, replyGroup, List.of(replyTopic));
                out.println(now + " " + commands + " " + replies);
                Thread.sleep(Math.max(10, 1000 - (System.currentTimeMillis() - now)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("lag sampler stopped: " + e);
        }
    }

    /** Records on {@code topics} not yet committed by {@code group}; -1 when unknown. */
    private static long lag(Admin admin, String group, List<String> topics) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            for (var d : admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
                for (var part : d.partitions()) {
                    wanted.put(new TopicPartition(d.name(), part.partition()), OffsetSpec.latest());
                }
            }
            long lag = 0;
            for (var e : admin.listOffsets(wanted).all().get(5, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void cleanup(String bootstrap, List<String> topics, List<String> groups) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<String> problems = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            if (!groups.isEmpty()) {
                try {
                    admin.deleteConsumerGroups(groups).all().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    problems.add("groups: " + e.getMessage());
                }
            }
            if (!topics.isEmpty()) {
                try {
                    admin.deleteTopics(topics).all().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    problems.add("topics: " + e.getMessage());
                }
            }
        }
        System.out.println("deleted Kafka topics " + topics + " and groups " + groups
                + (problems.isEmpty() ? "" : " (problems: " + problems + ")"));
    }

    private static void trace(String bootstrap, String file, List<String> topics) throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()); PrintWriter out = new PrintWriter(new FileWriter(file))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (var info : consumer.partitionsFor(topic, Duration.ofSeconds(20))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(20));
            long deadline = System.currentTimeMillis() + 120_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("trace: could not read " + topics + " to the end in 120 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header id = r.headers().lastHeader("sagaflow-message-id");
                    if (id != null) {
                        out.println(r.topic() + "\t" + new String(id.value(), StandardCharsets.UTF_8) + "\t"
                                + r.timestamp());
                        records++;
                    }
                }
            }
        }
        System.out.println("traced " + records + " records of " + topics);
    }

    private static List<String> split(String csv) {
        return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).filter(s -> !s.isBlank()).toList();
    }
}
