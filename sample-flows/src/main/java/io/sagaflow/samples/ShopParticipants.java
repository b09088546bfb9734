package io.sagaflow.samples;

import java.util.List;
import java.util.Map;

/**
 * The sample participants of the {@code order-checkout} flow, as one small stand-alone application: orders and
 * shipping over HTTP, payments and inventory over Kafka. Used by the demo ({@code scripts/run.sh}) and, in
 * process, by the engine's integration tests.
 *
 * <p>Run: {@code java -cp 'sample-flows/target/sagaflow-sample-flows-*.jar:sample-flows/target/lib/*'
 * io.sagaflow.samples.ShopParticipants} with env {@code KAFKA_BOOTSTRAP} (127.0.0.1:9092) and {@code HTTP_PORT} (8081).
 */
public final class ShopParticipants implements AutoCloseable {

    /** Kafka topic of each Kafka participant, as the sample flow declares them. */
    public static final Map<String, String> KAFKA_TOPICS =
            Map.of("payments.commands", "payments", "inventory.commands", "inventory");
    public static final List<String> HTTP_PARTICIPANTS = List.of("orders", "shipping");

    private final Shop shop = new Shop();
    private final HttpEndpoint http;
    private final KafkaEndpoint kafka;

    public ShopParticipants(String kafkaBootstrap, int httpPort, String consumerGroup) throws Exception {
        http = new HttpEndpoint(shop, httpPort, HTTP_PARTICIPANTS);
        kafka = new KafkaEndpoint(shop, kafkaBootstrap, consumerGroup, KAFKA_TOPICS);
    }

    public ShopParticipants start() {
        http.start();
        kafka.start();
        return this;
    }

    /** The HTTP port (useful when started on port 0). */
    public int httpPort() {
        return http.port();
    }

    public Shop shop() {
        return shop;
    }

    @Override
    public void close() throws Exception {
        kafka.close();
        http.close();
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        int port = Integer.parseInt(System.getenv().getOrDefault("HTTP_PORT", "8081"));
        ShopParticipants participants = new ShopParticipants(bootstrap, port, "sample-participants").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                participants.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }));
        System.out.println("sample participants: HTTP on 127.0.0.1:" + participants.httpPort()
                + " (orders, shipping; journal at /journal), Kafka " + bootstrap + " (payments, inventory)");
        Thread.currentThread().join();
    }
}
