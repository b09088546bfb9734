package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.participant.internal.BarrierRules;
import io.sagaflow.participant.internal.BarrierRules.Row;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The barrier on the Vert.x reactive SQL client, with the same rules as {@link JdbcBarrier}. In Quarkus, pass
 * the delegate of the injected Mutiny pool: {@code new ReactiveBarrier(pool.getDelegate())}.
 */
public final class ReactiveBarrier {

    private final Pool pool;

    /** A barrier on the participant's own database; {@code sagaflow_barrier} must exist there. */
    public ReactiveBarrier(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool must not be null");
    }

    /** Creates the barrier table if it does not exist yet. */
    public CompletionStage<Void> createTable() {
        return pool.query(Barrier.ddl()).execute().<Void>mapEmpty().toCompletionStage();
    }

    /** Runs {@code method} under the barrier in a new transaction; completes with the outcome, never fails. */
    public CompletionStage<CommandResult> run(CommandContext ctx, JsonNode input, ReactiveBusinessMethod method) {
        return pool.getConnection()
                .compose(conn -> inTransaction(conn, ctx, input, method).onComplete(done -> conn.close()))
                .otherwise(e -> new CommandResult.Retry("database unavailable: " + e.getMessage()))
                .toCompletionStage();
    }

    /*
     * Plain BEGIN / SAVEPOINT / COMMIT statements rather than SqlConnection.begin(): a Vert.x Transaction marks
     * itself for rollback when any query fails, but a business failure must only roll back to the savepoint.
     */
    private Future<CommandResult> inTransaction(SqlConnection conn, CommandContext ctx, JsonNode input,
                                          ReactiveBusinessMethod method) {
        // READ COMMITTED: see JdbcBarrier, a duplicate that waited on the primary key must then see the row.
        return sql(conn, "BEGIN ISOLATION LEVEL READ COMMITTED")
                .compose(v -> decideAndRun(conn, ctx, input, method))
                .compose(outcome -> sql(conn, "COMMIT").map(outcome))
                .recover(e -> sql(conn, "ROLLBACK").otherwiseEmpty()
                        .map(new CommandResult.Retry(String.valueOf(BarrierRules.unwrap(e)))));
    }

    private Future<CommandResult> decideAndRun(SqlConnection conn, CommandContext ctx, JsonNode input,
                                         ReactiveBusinessMethod method) {
        Future<Map<String, Boolean>> inserted = Future.succeededFuture(new HashMap<>());
        for (BarrierRules.Insert row : BarrierRules.inserts(ctx.kind(), ctx.op())) {
            inserted = inserted.compose(done -> insert(conn, ctx, row).map(ok -> {
                done.put(row.op(), ok);
                return done;
            }));
        }
        return inserted.compose(done -> {
            boolean own = done.get(ctx.op());
            boolean originNow = ctx.kind().origin().map(o -> done.get(o.wire())).orElse(false);
            // A re-run undo (op "compensation:2"): its action's row may have been BLOCKED by the first run.
            Future<Boolean> origin = own && !originNow && ctx.kind().origin().isPresent()
                    ? read(conn, ctx, ctx.kind().origin().get().wire())
                            .map(r -> r.map(x -> x.outcome() == BarrierRules.Recorded.BLOCKED).orElse(false))
                    : Future.succeededFuture(originNow);
            Future<Optional<Row>> existing = own ? Future.succeededFuture(Optional.empty()) : read(conn, ctx, ctx.op());
            return origin.compose(blocked -> existing.compose(row -> act(conn, ctx, input, method,
                    BarrierRules.next(ctx.kind(), blocked, own, row))));
        });
    }

    private Future<CommandResult> act(SqlConnection conn, CommandContext ctx, JsonNode input, ReactiveBusinessMethod method,
                                BarrierRules.Next next) {
        if (next instanceof BarrierRules.Replay replay) {
            return Future.succeededFuture(replay.outcome());
        }
        if (next instanceof BarrierRules.Acknowledge ack) {
            return record(conn, ctx, ack.outcome());
        }
        // A savepoint, not a second transaction: see JdbcBarrier.
        return sql(conn, "SAVEPOINT sagaflow_business")
                .compose(v -> call(method, ctx, input, conn))
                .<CommandResult>map(CommandResult.Success::new)
                .recover(error -> {
                    CommandResult failure = BarrierRules.fromException(error);
                    if (failure instanceof CommandResult.Failure) {
                        return sql(conn, "ROLLBACK TO SAVEPOINT sagaflow_business").map(failure);
                    }
                    return Future.failedFuture(error);
                })
                .compose(outcome -> record(conn, ctx, outcome));
    }

    private static Future<JsonNode> call(ReactiveBusinessMethod method, CommandContext ctx, JsonNode input,
                                         SqlConnection conn) {
        try {
            return Future.fromCompletionStage(method.apply(ctx, input, conn));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static Future<Boolean> insert(SqlConnection conn, CommandContext ctx, BarrierRules.Insert row) {
        return conn.preparedQuery("INSERT INTO " + Barrier.TABLE
                        + " (saga_id, branch, op, outcome) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(ctx.sagaId(), ctx.branch(), row.op(), row.outcome().name()))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Future<Optional<Row>> read(SqlConnection conn, CommandContext ctx, String op) {
        return conn.preparedQuery("SELECT outcome, output FROM " + Barrier.TABLE
                        + " WHERE saga_id = $1 AND branch = $2 AND op = $3")
                .execute(Tuple.of(ctx.sagaId(), ctx.branch(), op))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.<Row>empty();
                    }
                    io.vertx.sqlclient.Row r = it.next();
                    return Optional.of(new Row(BarrierRules.Recorded.valueOf(r.getString(0)),
                            Optional.ofNullable(r.getString(1))));
                });
    }

    private static Future<CommandResult> record(SqlConnection conn, CommandContext ctx, CommandResult outcome) {
        return conn.preparedQuery("UPDATE " + Barrier.TABLE
                        + " SET outcome = $1, output = $2 WHERE saga_id = $3 AND branch = $4 AND op = $5")
                .execute(Tuple.of(BarrierRules.recorded(outcome).name(), BarrierRules.output(outcome), ctx.sagaId(),
                        ctx.branch(), ctx.op()))
                .map(outcome);
    }

    private static Future<Void> sql(SqlConnection conn, String statement) {
        return conn.query(statement).execute().mapEmpty();
    }
}
