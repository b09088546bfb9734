package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Sends a reliable (two-phase) message (SPEC §3.2): prepare it at the engine, run the local transaction together
 * with a COMMITTED row in {@code sagaflow_message_status}, then commit the message at the engine. If the last
 * call is lost, the engine's check-back ({@link CheckBackHandler}) finds the row and delivers the message anyway.
 */
public final class ReliableMessageProducer {

    private static final Logger LOG = Logger.getLogger(ReliableMessageProducer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CREATED = 201;

    /** Thrown when the engine refuses or cannot take the prepare: nothing local was run. */
    public static final class PrepareFailed extends RuntimeException {
        PrepareFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final URI engine;
    private final DataSource dataSource;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** A producer talking to the engine at {@code engine} (e.g. {@code http://127.0.0.1:8080}). */
    public ReliableMessageProducer(URI engine, DataSource dataSource) {
        this.engine = Objects.requireNonNull(engine, "engine must not be null");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    }

    /**
     * Prepares the message, runs {@code localTx} and commits both, returning the message id. When
     * {@code localTx} throws, the message is rolled back and the exception rethrown.
     */
    public String send(String flow, String key, JsonNode payload, LocalTransaction localTx) throws Exception {
        String id = prepare(flow, key, payload);
        runLocally(id, localTx);
        decide(id, "commit");
        return id;
    }

    /**
     * The steps of {@link #send} one by one, for producers that must split them: prepares the message (PREPARED in
     * the engine) and returns its id. Nothing is published until the message is committed.
     */
    public String prepare(String flow, String key, JsonNode payload) {
        return prepareAt(flow, key, payload);
    }

    /**
     * Runs the local transaction together with the row that tells the check-back COMMITTED. When it throws, the
     * local work is rolled back, the engine told to roll the message back, and the exception rethrown. When it
     * commits, the message is as good as committed: if the producer dies before {@link #commit}, the engine's
     * check-back finds the row and commits it.
     */
    public void runLocally(String id, LocalTransaction localTx) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // The status row first: its lock makes a racing check-back wait for this transaction's end.
                markCommitted(c, id);
                localTx.run(c);
                c.commit();
            } catch (Exception e) {
                c.rollback();
                decide(id, "rollback");
                throw e;
            }
        }
    }

    /** Tells the engine to publish the message (best effort: the check-back settles it when this does not arrive). */
    public void commit(String id) {
        decide(id, "commit");
    }

    private String prepareAt(String flow, String key, JsonNode payload) {
        ObjectNode body = JSON.createObjectNode();
        body.put("flow", flow);
        body.put("key", key);
        body.set("payload", payload);
        try {
            HttpResponse<String> response = http.send(EngineToken.authorize(HttpRequest.newBuilder(engine.resolve("/api/messages")))
                    .timeout(TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != CREATED) {
                throw new PrepareFailed("engine refused the message: " + response.statusCode() + " "
                        + response.body(), null);
            }
            return JSON.readTree(response.body()).path("id").asText();
        } catch (IOException e) {
            throw new PrepareFailed("engine unreachable at " + engine + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrepareFailed("interrupted while preparing", e);
        }
    }

    private static void markCommitted(Connection c, String id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO " + CheckBackHandler.TABLE + " (message_id, status) VALUES (?, ?)")) {
            st.setString(1, id);
            st.setString(2, LocalTxStatus.COMMITTED.name());
            st.executeUpdate();
        }
    }

    /** Best effort: when the engine cannot be told, its check-back asks us and gets the same answer. */
    private void decide(String id, String decision) {
        try {
            HttpResponse<Void> response = http.send(EngineToken.authorize(HttpRequest.newBuilder(
                            engine.resolve("/api/messages/" + id + "/" + decision)))
                    .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                LOG.warning(() -> decision + " of message " + id + " answered " + response.statusCode()
                        + "; the check-back will settle it");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, decision + " of message " + id + " did not reach the engine; the check-back will settle it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
