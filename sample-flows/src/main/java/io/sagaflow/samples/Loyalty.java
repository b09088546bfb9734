package io.sagaflow.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.participant.CheckBackHandler;
import io.sagaflow.participant.MessageConsumer;
import io.sagaflow.participant.ReliableMessageProducer;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The reliable-message sample (flow {@code loyalty-points}): an order service that, once an order is paid, grants
 * loyalty points through a reliable message, and the loyalty service that consumes it. Both on the participant SDK:
 * the payment and the message's COMMITTED row are one local transaction ({@link ReliableMessageProducer}); the
 * points are granted under the barrier, once per message ({@link MessageConsumer}). Both services share the sample
 * participants' database here; in real life each has its own.
 */
public final class Loyalty implements AutoCloseable {

    /** The Message flow, as sample-flows/flows/loyalty-points.yaml declares it. */
    public static final String FLOW = "loyalty-points";
    public static final String TOPIC = "loyalty.points";
    /** The flow's delivery.retry, which the consumer applies. */
    public static final MessageConsumer.Retry DELIVERY = new MessageConsumer.Retry(5, Duration.ofSeconds(1),
            Duration.ofSeconds(30));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;
    private final ReliableMessageProducer producer;
    private final MessageConsumer consumer;

    /** Creates the services' tables if missing and starts the loyalty service's consumer. */
    public Loyalty(DataSource db, String kafkaBootstrap, URI engine) throws SQLException {
        this.db = db;
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            CheckBackHandler.createTable(c);
            st.execute("CREATE TABLE IF NOT EXISTS paid_order (order_id text PRIMARY KEY, customer text NOT NULL, "
                    + "amount integer NOT NULL, paid_at timestamptz NOT NULL DEFAULT now())");
            st.execute("CREATE TABLE IF NOT EXISTS loyalty_points (message_id text PRIMARY KEY, customer text NOT NULL, "
                    + "order_id text NOT NULL, points integer NOT NULL)");
        }
        this.producer = new ReliableMessageProducer(engine, db);
        this.consumer = new MessageConsumer(new MessageConsumer.Options(kafkaBootstrap, TOPIC, "loyalty-service",
                engine, DELIVERY), db, (ctx, payload, tx) -> {
                    try (PreparedStatement st = tx.prepareStatement("INSERT INTO loyalty_points (message_id, customer, "
                            + "order_id, points) VALUES (?, ?, ?, ?)")) {
                        st.setString(1, ctx.messageId());
                        st.setString(2, payload.path("customer").asText());
                        st.setString(3, payload.path("orderId").asText());
                        st.setInt(4, payload.path("amount").asInt() / 10);   // one point per 10 spent
                        st.executeUpdate();
                    }
                    return null;
                }).start();
    }

    /** The order service's check-back answer (mounted at GET /orders/tx-status). */
    public CheckBackHandler checkBack() {
        return new CheckBackHandler(db);
    }

    /** Pays an order and grants its points through the reliable message; returns the message id. */
    public String pay(String orderId, String customer, int amount) throws Exception {
        var payload = JSON.createObjectNode().put("orderId", orderId).put("customer", customer).put("amount", amount);
        return producer.send(FLOW, orderId, payload, tx -> {
            try (PreparedStatement st = tx.prepareStatement(
                    "INSERT INTO paid_order (order_id, customer, amount) VALUES (?, ?, ?)")) {
                st.setString(1, orderId);
                st.setString(2, customer);
                st.setInt(3, amount);
                st.executeUpdate();
            }
        });
    }

    /** The customer's points so far. */
    public int points(String customer) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT coalesce(sum(points), 0) FROM loyalty_points WHERE customer = ?")) {
            st.setString(1, customer);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.close();
    }
}
