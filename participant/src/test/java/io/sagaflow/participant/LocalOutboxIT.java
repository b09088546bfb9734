package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local message table: what a CDC relay would read from the WAL, seen through a test_decoding slot
 * (needs wal_level=logical, as the engine's relay does). The slot is dropped afterwards.
 */
class LocalOutboxIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDatabase db;
    private final String slot = "sagaflow_sdk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeEach
    void start() throws Exception {
        db = new TestDatabase();
        try (Connection c = db.connect()) {
            LocalOutbox.createTable(c);
        }
        db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
    }

    @AfterEach
    void stop() {
        db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        db.close();
    }

    private List<String> changes() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL) WHERE data LIKE 'table public.sagaflow_local_outbox%'")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void committedMessageReachesTheWalWhileTheTableStaysEmpty() throws Exception {
        UUID id;
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            id = LocalOutbox.write(tx, "points.events", "u1", JSON.createObjectNode().put("points", 10),
                    Map.of("sagaflow-saga-id", "s1"));
            tx.commit();
        }

        assertThat(db.count("SELECT count(*) FROM " + LocalOutbox.TABLE)).isZero();
        List<String> changes = changes();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0)).startsWith("table public.sagaflow_local_outbox: INSERT:")
                .contains(id.toString()).contains("aggregatetype[text]:'points.events'")
                .contains("aggregateid[text]:'u1'").contains("sagaflow-saga-id");
        assertThat(changes.get(1)).contains("DELETE:");
    }

    @Test
    void rolledBackMessageNeverReachesTheWal() throws Exception {
        try (Connection tx = db.connect()) {
            tx.setAutoCommit(false);
            LocalOutbox.write(tx, "points.events", "u1", JSON.nullNode(), Map.of());
            tx.rollback();
        }

        assertThat(changes()).isEmpty();
    }
}
