package io.sagaflow.participant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Answers the engine's check-back for a reliable message (SPEC §3.2) from {@code sagaflow_message_status}, the
 * way DTM does: it inserts ROLLED_BACK if no row exists. Either that insert wins, and a local transaction still
 * in flight will fail on its own insert and can never commit; or the row is there, and it tells the outcome. A
 * check-back racing an uncommitted local transaction waits on that row's lock and sees how it ended.
 */
public final class CheckBackHandler {

    /** The table's name. */
    public static final String TABLE = "sagaflow_message_status";
    /** The classpath resource holding the DDL. */
    public static final String DDL_RESOURCE = "/sagaflow-message-status.sql";

    private final DataSource dataSource;

    /** A check-back on the producer's own database. */
    public CheckBackHandler(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    }

    /** Creates {@code sagaflow_message_status} if it does not exist yet. */
    public static void createTable(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(Barrier.resource(DDL_RESOURCE));
        }
    }

    /** The message's status: COMMITTED, or ROLLED_BACK (from now on for good). */
    public LocalTxStatus status(String messageId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try {
                LocalTxStatus status = decide(c, messageId);
                c.commit();
                return status;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static LocalTxStatus decide(Connection c, String messageId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + TABLE
                + " (message_id, status) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            st.setString(1, messageId);
            st.setString(2, LocalTxStatus.ROLLED_BACK.name());
            if (st.executeUpdate() == 1) {
                return LocalTxStatus.ROLLED_BACK;
            }
        }
        try (PreparedStatement st = c.prepareStatement("SELECT status FROM " + TABLE + " WHERE message_id = ?")) {
            st.setString(1, messageId);
            try (ResultSet rs = st.executeQuery()) {
                // The conflicting row is committed (the insert waited for it), so it is there.
                rs.next();
                return LocalTxStatus.valueOf(rs.getString(1));
            }
        }
    }

    /** The HTTP answer to {@code GET {url}?messageId=...}: 200 {@code {"status": ...}}, 400 without an id. */
    public HttpParticipantHandler.Response http(String messageId) {
        if (messageId == null || messageId.isBlank()) {
            return HttpParticipantHandler.problem(HttpParticipantHandler.BAD_REQUEST, "missing-message-id",
                    "the check-back needs ?messageId=");
        }
        try {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", status(messageId).name());
            return HttpParticipantHandler.Response.json(HttpParticipantHandler.OK, "application/json", body);
        } catch (SQLException e) {
            // Not UNKNOWN: UNKNOWN answers count toward maxChecks, while a database hiccup says nothing yet.
            return HttpParticipantHandler.problem(HttpParticipantHandler.UNAVAILABLE, "database-unavailable",
                    e.getMessage());
        }
    }
}
