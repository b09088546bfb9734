import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Measures reliable messages and notifications on a running engine (bench/messaging.sh). Not a test: it prints
 * figures. Deploys its own flows (names with a random suffix), so it can run next to the demo.
 *
 * Usage: java -cp 'sample-flows/target/lib/*' bench/MessagingBench.java ENGINE_URL KAFKA MESSAGES NOTIFICATIONS
 *        CONCURRENCY RATE_PER_SECOND
 */
public class MessagingBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        URI engine = URI.create(args[0]);
        String kafka = args[1];
        int messages = Integer.parseInt(args[2]);
        int notifications = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        String run = UUID.randomUUID().toString().substring(0, 8);
        System.out.printf("engine %s, kafka %s, run %s%n", engine, kafka, run);
        messages(engine, kafka, run, messages, concurrency);
        notifications(engine, run, notifications, concurrency, rate);
        System.exit(0);   // the receiver's and Kafka's threads would keep the JVM up
    }

    static void messages(URI engine, String kafka, String run, int n, int concurrency) throws Exception {
        String flow = "bench-points-" + run;
        String topic = "bench.points." + run;
        deploy(engine, """
                apiVersion: sagaflow.io/v1
                kind: Message
                metadata: { name: %s, version: 1 }
                spec:
                  topic: %s
                  checkBack: { http: { url: http://127.0.0.1:9/never }, after: 1h }
                """.formatted(flow, topic));
        Map<String, Long> arrived = new ConcurrentHashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + run);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of(topic));
                while (arrived.size() < n && !Thread.currentThread().isInterrupted()) {
                    c.poll(Duration.ofMillis(100)).forEach(r -> arrived.putIfAbsent(new String(
                            r.headers().lastHeader("sagaflow-message-id").value(), StandardCharsets.UTF_8), System.nanoTime()));
                }
            }
        });
        reader.start();
        Thread.sleep(3000);   // let the consumer join before the first record
        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());   // prepare start, prepared, committed
        Map<String, long[]> byId = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            done.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                String body = post(engine.resolve("/api/messages"), "{\"flow\":\"" + flow + "\",\"key\":\"k-" + k
                        + "\",\"payload\":{\"points\":" + k + "}}", 201);
                Matcher m = ID.matcher(body);
                m.find();
                String id = m.group(1);
                long t1 = System.nanoTime();
                post(engine.resolve("/api/messages/" + id + "/commit"), "", 200);
                long[] s = {t0, t1, System.nanoTime()};
                samples.add(s);
                byId.put(id, s);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long calls = System.nanoTime();
        reader.join(120_000);
        reader.interrupt();
        pool.shutdown();
        long last = arrived.values().stream().mapToLong(Long::longValue).max().orElse(calls);
        List<Long> prepare = new ArrayList<>();
        List<Long> commit = new ArrayList<>();
        List<Long> relay = new ArrayList<>();
        List<Long> total = new ArrayList<>();
        byId.forEach((id, s) -> {
            prepare.add(s[1] - s[0]);
            commit.add(s[2] - s[1]);
            Long at = arrived.get(id);
            if (at != null) {
                relay.add(at - s[2]);
                total.add(at - s[0]);
            }
        });
        System.out.printf("%nreliable messages: %d prepared + committed with %d in flight, %d arrived on %s%n", n,
                concurrency, arrived.size(), topic);
        System.out.printf("  prepare+commit calls: %.0f messages/s; delivered to Kafka: %.0f messages/s%n",
                n / secs(calls - start), arrived.size() / secs(last - start));
        System.out.printf("  prepare   p50 %s  p99 %s%n", pct(prepare, 50), pct(prepare, 99));
        System.out.printf("  commit    p50 %s  p99 %s%n", pct(commit, 50), pct(commit, 99));
        System.out.printf("  commit -> record on the topic (outbox relay)  p50 %s  p99 %s%n", pct(relay, 50), pct(relay, 99));
        System.out.printf("  prepare -> record on the topic               p50 %s  p99 %s%n", pct(total, 50), pct(total, 99));
    }

    static void notifications(URI engine, String run, int n, int concurrency, int rate) throws Exception {
        Map<String, Long> received = new ConcurrentHashMap<>();
        List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        receiver.setExecutor(Executors.newFixedThreadPool(16));
        Pattern nid = Pattern.compile("\"notificationId\"\\s*:\\s*\"([0-9a-f-]{36})\"");
        receiver.createContext("/notify", ex -> {
            try (ex) {
                long now = System.nanoTime();
                Matcher m = nid.matcher(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (m.find()) {
                    received.putIfAbsent(m.group(1), now);
                }
                arrivals.add(now);
                ex.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        String flow = "bench-callback-" + run;
        deploy(engine, """
                apiVersion: sagaflow.io/v1
                kind: Notification
                metadata: { name: %s, version: 1 }
                spec:
                  target: { http: { url: http://127.0.0.1:%d/notify } }
                  schedule: [1s, 2s]
                  rateLimit: { permits: %d, per: 1s }
                """.formatted(flow, receiver.getAddress().getPort(), rate));
        Map<String, Long> created = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            done.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                Matcher m = ID.matcher(post(engine.resolve("/api/notifications"),
                        "{\"flow\":\"" + flow + "\",\"payload\":{\"n\":" + k + "}}", 201));
                m.find();
                created.put(m.group(1), t0);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long createdAll = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(60 + 2L * n / rate).toNanos();
        while (received.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        pool.shutdown();
        receiver.stop(0);
        List<Long> latency = new ArrayList<>();
        created.forEach((id, t0) -> {
            Long at = received.get(id);
            if (at != null) {
                latency.add(at - t0);
            }
        });
        int busiest = 0;
        List<Long> sorted = new ArrayList<>(arrivals);
        Collections.sort(sorted);
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= 1_000_000_000L) {
                j++;
            }
            busiest = Math.max(busiest, i - j + 1);
        }
        long last = received.values().stream().mapToLong(Long::longValue).max().orElse(createdAll);
        System.out.printf("%nnotifications: %d created with %d in flight (%.0f/s), rate limit %d per 1s, %d delivered%n",
                n, concurrency, n / secs(createdAll - start), rate, received.size());
        System.out.printf("  delivered: %.1f/s over %.1f s; busiest 1-second window at the receiver: %d requests%n",
                received.size() / secs(last - start), secs(last - start), busiest);
        System.out.printf("  created -> received  p50 %s  p99 %s  (queueing behind the rate limit included)%n",
                pct(latency, 50), pct(latency, 99));
    }

    static void deploy(URI engine, String yaml) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(engine.resolve("/api/flows"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("deploying a bench flow answered " + r.statusCode() + ": " + r.body());
        }
    }

    static String post(URI uri, String json, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static double secs(long nanos) {
        return nanos / 1e9;
    }

    static String pct(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return "-";
        }
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        long v = s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
        return String.format("%.1f ms", v / 1e6);
    }
}
