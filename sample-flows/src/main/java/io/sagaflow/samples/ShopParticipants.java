package io.sagaflow.samples;

import io.sagaflow.participant.Barrier;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The sample participants of the {@code order-checkout} flow, as one small stand-alone application: orders and
 * shipping over HTTP, payments and inventory over Kafka. Used by the demo ({@code scripts/run.sh}) and, in
 * process, by the engine's integration tests. Built on the participant SDK: commands run under its barrier in the
 * participants' own PostgreSQL database (created at start when missing, with its {@code sagaflow_barrier} table).
 *
 * <p>Run: {@code java -cp 'sample-flows/target/sagaflow-sample-flows-*.jar:sample-flows/target/lib/*'
 * io.sagaflow.samples.ShopParticipants} with env {@code KAFKA_BOOTSTRAP} (127.0.0.1:9092), {@code HTTP_PORT} (8081)
 * and {@code PARTICIPANTS_JDBC_URL} ({@value #DEFAULT_JDBC_URL}).
 */
public final class ShopParticipants implements AutoCloseable {

    /** Kafka topic of each Kafka participant, as the sample flow declares them. */
    public static final Map<String, String> KAFKA_TOPICS =
            Map.of("payments.commands", "payments", "inventory.commands", "inventory");
    public static final List<String> HTTP_PARTICIPANTS = List.of("orders", "shipping");
    /** The participants' database when {@code PARTICIPANTS_JDBC_URL} is not set. */
    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/sagaflow_samples?user=postgres";

    private static final String INVALID_CATALOG_NAME = "3D000";
    private static final String DUPLICATE_DATABASE = "42P04";

    private final Shop shop;
    private final HttpEndpoint http;
    private final KafkaEndpoint kafka;
    private final String kafkaBootstrap;
    private final DataSource dataSource;
    private Loyalty loyalty;

    /**
     * The participants, not started yet. {@code jdbcUrl} names their own PostgreSQL database (never the engine's):
     * it is created when missing, and so is its barrier table.
     */
    public ShopParticipants(String kafkaBootstrap, int httpPort, String consumerGroup, String jdbcUrl)
            throws Exception {
        this.kafkaBootstrap = kafkaBootstrap;
        this.dataSource = database(jdbcUrl);
        shop = new Shop(dataSource);
        http = new HttpEndpoint(shop, httpPort, HTTP_PARTICIPANTS);
        http.mountMerchant(new Merchant(java.util.Optional.ofNullable(System.getenv("MERCHANT_SECRET"))));
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

    /**
     * Adds the reliable-message sample (order payment granting loyalty points through flow {@code loyalty-points})
     * on the same HTTP port; it talks to the engine at {@code engine}.
     */
    public ShopParticipants withLoyalty(URI engine) throws SQLException {
        loyalty = new Loyalty(dataSource, kafkaBootstrap, engine);
        http.mountLoyalty(loyalty);
        return this;
    }

    @Override
    public void close() throws Exception {
        if (loyalty != null) {
            loyalty.close();
        }
        kafka.close();
        http.close();
    }

    /**
     * The participants' database named by {@code jdbcUrl} (PostgreSQL), created if missing, with the barrier table.
     * Public for programs that build a {@link Shop} on their own (bench/BenchParticipants.java).
     */
    public static DataSource database(String jdbcUrl) throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        try (Connection c = ds.getConnection()) {
            Barrier.createTable(c);
            return ds;
        } catch (SQLException e) {
            if (!INVALID_CATALOG_NAME.equals(e.getSQLState())) {
                throw e;
            }
        }
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(jdbcUrl);
        admin.setDatabaseName("postgres");
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + ds.getDatabaseName().replace("\"", "\"\"") + "\"");
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) { // another instance was quicker
                throw e;
            }
        }
        try (Connection c = ds.getConnection()) {
            Barrier.createTable(c);
        }
        return ds;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        int port = Integer.parseInt(System.getenv().getOrDefault("HTTP_PORT", "8081"));
        String jdbcUrl = System.getenv().getOrDefault("PARTICIPANTS_JDBC_URL", DEFAULT_JDBC_URL);
        URI engine = URI.create(System.getenv().getOrDefault("ENGINE_URL", "http://127.0.0.1:8080"));
        ShopParticipants participants = new ShopParticipants(bootstrap, port, "sample-participants", jdbcUrl)
                .withLoyalty(engine).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                participants.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }));
        System.out.println("sample participants: HTTP on 127.0.0.1:" + participants.httpPort()
                + " (orders, shipping; journal at /journal; loyalty sample at /shop; merchant at /merchant), Kafka " + bootstrap + " (payments, inventory), barrier in "
                + jdbcUrl.replaceAll("password=[^&]*", "password=***"));
        Thread.currentThread().join();
    }
}
