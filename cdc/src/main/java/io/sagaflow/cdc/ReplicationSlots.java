package io.sagaflow.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL replication slots and publications, created and taken over idempotently. */
public final class ReplicationSlots {

    /** SQLSTATE {@code duplicate_object}: another node created the same slot or publication a moment before. */
    private static final String DUPLICATE_OBJECT = "42710";

    private ReplicationSlots() {
    }

    /**
     * Creates the insert-only publication of {@code table} and the pgoutput slot if missing. Created before the
     * connector takes work, the slot keeps every row committed from now on, even before the connector first runs.
     *
     * @return true when this call created the slot
     */
    public static boolean ensure(Connection c, Source.Postgres source, String table) throws SQLException {
        if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", source.publication())) {
            try (Statement st = c.createStatement()) {
                // Inserts only: rows are deleted in the transaction that inserted them.
                st.execute("CREATE PUBLICATION \"" + source.publication() + "\" FOR TABLE " + table
                        + " WITH (publish = 'insert')");
            } catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        if (exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", source.slot())) {
            return false;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            st.setString(1, source.slot());
            st.execute();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Ends a session still streaming from {@code slot}. Called by a new leader: such a session belongs to a dead node
     * (its walsender lives until {@code wal_sender_timeout}) and would keep this node's connector off the slot.
     */
    public static void endStreamingSession(Connection c, String slot) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            st.setString(1, slot);
            st.execute();
        }
    }

    /**
     * Drops {@code slot} and {@code publication} when nothing streams from the slot; both may be gone already.
     *
     * @return false when the slot is still in use (a streaming session holds it): try again later
     */
    public static boolean drop(Connection c, String slot, String publication) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(1)) {
                        return false;
                    }
                    try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                        drop.setString(1, slot);
                        drop.execute();
                    } catch (SQLException e) {
                        // 55006 object_in_use: a session took the slot between the check and the drop.
                        if ("55006".equals(e.getSQLState())) {
                            return false;
                        }
                        // 42704 undefined_object: another node dropped it a moment before.
                        if (!"42704".equals(e.getSQLState())) {
                            throw e;
                        }
                    }
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP PUBLICATION IF EXISTS \"" + publication + "\"");
        }
        return true;
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }
}
