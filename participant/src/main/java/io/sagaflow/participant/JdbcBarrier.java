package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.participant.internal.BarrierRules;
import io.sagaflow.participant.internal.BarrierRules.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The barrier over JDBC: runs a business method at most once per (saga, branch, kind), in one local transaction
 * with the barrier's row, and answers duplicates, empty compensations and hanging actions (docs/participants.md).
 */
public final class JdbcBarrier {

    private static final Logger LOG = Logger.getLogger(JdbcBarrier.class.getName());
    private static final String SAVEPOINT = "sagaflow_business";

    private final DataSource dataSource;

    /** A barrier on the participant's own database; {@code sagaflow_barrier} must exist there. */
    public JdbcBarrier(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    }

    /**
     * Runs {@code method} under the barrier in a new transaction on a connection of the data source and returns
     * the outcome to answer. Never throws: a database problem is a RETRY.
     */
    public CommandResult run(CommandContext ctx, JsonNode input, BusinessMethod<Connection> method) {
        try (Connection c = dataSource.getConnection()) {
            return run(c, ctx, input, method);
        } catch (SQLException e) {
            return new CommandResult.Retry("database unavailable: " + e.getMessage());
        }
    }

    /**
     * The same on a connection the caller owns (it must not be in a transaction). The connection is left in
     * auto-commit mode off; the barrier commits or rolls back what it started.
     */
    public CommandResult run(Connection c, CommandContext ctx, JsonNode input, BusinessMethod<Connection> method) {
        try {
            c.setAutoCommit(false);
            // READ COMMITTED on purpose: a duplicate blocked on the primary key must, once the first commits, see
            // its row with the next statement. Under REPEATABLE READ it would fail with a serialization error.
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            CommandResult outcome = decideAndRun(c, ctx, input, method);
            c.commit();
            return outcome;
        } catch (Exception e) {
            rollback(c);
            LOG.log(Level.FINE, "barrier rolled back " + ctx.idempotencyKey() + "; answering RETRY", e);
            return new CommandResult.Retry(String.valueOf(BarrierRules.unwrap(e)));
        }
    }

    private CommandResult decideAndRun(Connection c, CommandContext ctx, JsonNode input, BusinessMethod<Connection> method)
            throws Exception {
        boolean originInserted = false;
        boolean ownInserted = false;
        for (BarrierRules.Insert row : BarrierRules.inserts(ctx.kind(), ctx.op())) {
            boolean inserted = insert(c, ctx, row);
            if (row.op().equals(ctx.op())) {
                ownInserted = inserted;
            } else {
                originInserted = inserted;
            }
        }
        if (ownInserted && !originInserted && ctx.kind().origin().isPresent()) {
            // A re-run undo (op "compensation:2"): its action's row may have been BLOCKED by the first run.
            originInserted = read(c, ctx, ctx.kind().origin().get().wire())
                    .map(r -> r.outcome() == BarrierRules.Recorded.BLOCKED).orElse(false);
        }
        Optional<Row> existing = ownInserted ? Optional.empty() : read(c, ctx, ctx.op());
        BarrierRules.Next next = BarrierRules.next(ctx.kind(), originInserted, ownInserted, existing);
        if (next instanceof BarrierRules.Replay replay) {
            return replay.outcome();
        }
        if (next instanceof BarrierRules.Acknowledge ack) {
            record(c, ctx, ack.outcome());
            return ack.outcome();
        }
        // A savepoint rather than a second transaction: a business failure undoes the method's changes while the
        // barrier row stays locked, so a concurrent duplicate can never slip in between and run the method again.
        Savepoint savepoint = c.setSavepoint(SAVEPOINT);
        CommandResult outcome;
        try {
            outcome = new CommandResult.Success(method.apply(ctx, input, c));
        } catch (BusinessFailure failure) {
            c.rollback(savepoint);
            outcome = BarrierRules.fromException(failure);
        }
        record(c, ctx, outcome);
        return outcome;
    }

    private static boolean insert(Connection c, CommandContext ctx, BarrierRules.Insert row) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + Barrier.TABLE
                + " (saga_id, branch, op, outcome) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            st.setString(1, ctx.sagaId());
            st.setString(2, ctx.branch());
            st.setString(3, row.op());
            st.setString(4, row.outcome().name());
            return st.executeUpdate() == 1;
        }
    }

    private static Optional<Row> read(Connection c, CommandContext ctx, String op) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT outcome, output FROM " + Barrier.TABLE
                + " WHERE saga_id = ? AND branch = ? AND op = ?")) {
            st.setString(1, ctx.sagaId());
            st.setString(2, ctx.branch());
            st.setString(3, op);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Row(BarrierRules.Recorded.valueOf(rs.getString(1)),
                                Optional.ofNullable(rs.getString(2))))
                        : Optional.empty();
            }
        }
    }

    private static void record(Connection c, CommandContext ctx, CommandResult outcome) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE " + Barrier.TABLE
                + " SET outcome = ?, output = ? WHERE saga_id = ? AND branch = ? AND op = ?")) {
            st.setString(1, BarrierRules.recorded(outcome).name());
            st.setString(2, BarrierRules.output(outcome));
            st.setString(3, ctx.sagaId());
            st.setString(4, ctx.branch());
            st.setString(5, ctx.op());
            st.executeUpdate();
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; so is its transaction
        }
    }
}
