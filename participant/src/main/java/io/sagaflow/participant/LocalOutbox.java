package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The local message table (transactional outbox) of a participant: {@link #write} puts a message into the
 * caller's own transaction, so it is published if and only if that transaction commits. {@link LocalOutboxRelay}
 * (or any Debezium EventRouter setup) publishes it to Kafka.
 */
public final class LocalOutbox {

    /** The table's name. */
    public static final String TABLE = "sagaflow_local_outbox";
    /** The classpath resource holding the DDL. */
    public static final String DDL_RESOURCE = "/sagaflow-local-outbox.sql";
    /** The {@code type} column: EventRouter requires one; consumers route on the topic, not on it. */
    public static final String EVENT_TYPE = "sagaflow-message";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalOutbox() {
    }

    /** Creates the table if it does not exist yet. */
    public static void createTable(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(Barrier.resource(DDL_RESOURCE));
        }
    }

    /**
     * Writes a message in {@code tx} (the caller commits) and returns its id, which the relay also sends as the
     * {@code id} header so consumers can drop redeliveries.
     */
    public static UUID write(Connection tx, String topic, String key, JsonNode payload, Map<String, String> headers)
            throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = tx.prepareStatement("INSERT INTO " + TABLE
                + " (id, aggregatetype, aggregateid, type, payload, headers) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)");
             PreparedStatement delete = tx.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
            insert.setObject(1, id);
            insert.setString(2, topic);
            insert.setString(3, key);
            insert.setString(4, EVENT_TYPE);
            insert.setString(5, JSON.writeValueAsString(payload));
            insert.setString(6, JSON.writeValueAsString(headers));
            insert.executeUpdate();
            // Deleted at once: the WAL keeps the insert for the relay, the table stays empty.
            delete.setObject(1, id);
            delete.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("payload or headers cannot be written as JSON", e);
        }
        return id;
    }
}
