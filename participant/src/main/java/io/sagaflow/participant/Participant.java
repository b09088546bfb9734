package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A JDBC participant: business methods registered per command name, each run under the {@link JdbcBarrier} in
 * one local transaction with its barrier row.
 *
 * <pre>{@code
 * Participant payments = Participant.jdbc(dataSource)
 *         .on("charge", (ctx, input, tx) -> charge(tx, input))
 *         .on("refund", (ctx, input, tx) -> refund(tx, input));
 * }</pre>
 */
public final class Participant implements CommandHandler {

    private final JdbcBarrier barrier;
    private final Map<String, BusinessMethod<Connection>> methods = new ConcurrentHashMap<>();

    private Participant(JdbcBarrier barrier) {
        this.barrier = barrier;
    }

    /** A participant on its own database; create {@code sagaflow_barrier} there first ({@link Barrier}). */
    public static Participant jdbc(DataSource dataSource) {
        return new Participant(new JdbcBarrier(dataSource));
    }

    /** Registers the business method of {@code command}; a command has exactly one. */
    public Participant on(String command, BusinessMethod<Connection> method) {
        Objects.requireNonNull(method, "method must not be null");
        if (methods.putIfAbsent(command, method) != null) {
            throw new IllegalArgumentException("command '" + command + "' already has a business method");
        }
        return this;
    }

    /** Runs the command's method under the barrier on the calling thread. */
    @Override
    public CompletionStage<Outcome> handle(CommandContext ctx, JsonNode input) {
        BusinessMethod<Connection> method = methods.get(ctx.command());
        return CompletableFuture.completedFuture(method == null
                ? CommandHandler.unknownCommand(ctx)
                : barrier.run(ctx, input, method));
    }
}
