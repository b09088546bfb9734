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
 * A JDBC participant: the business methods of one participant service, registered per command name, each run
 * under the {@link JdbcBarrier} in one local transaction with its barrier row. (Not the flow's participant
 * declaration, {@code io.sagaflow.dsl.model.Participant}: this is the service's side of it.)
 *
 * <pre>{@code
 * JdbcParticipant payments = new JdbcParticipant(dataSource)
 *         .on("charge", (ctx, input, tx) -> charge(tx, input))
 *         .on("refund", (ctx, input, tx) -> refund(tx, input));
 * }</pre>
 */
public final class JdbcParticipant implements CommandHandler {

    private final JdbcBarrier barrier;
    private final Map<String, BusinessMethod<Connection>> methods = new ConcurrentHashMap<>();

    /** A participant on its own database; create {@code sagaflow_barrier} there first ({@link Barrier}). */
    public JdbcParticipant(DataSource dataSource) {
        this.barrier = new JdbcBarrier(dataSource);
    }

    /** Registers the business method of {@code command}; a command has exactly one. */
    public JdbcParticipant on(String command, BusinessMethod<Connection> method) {
        Objects.requireNonNull(method, "method must not be null");
        if (methods.putIfAbsent(command, method) != null) {
            throw new IllegalArgumentException("command '" + command + "' already has a business method");
        }
        return this;
    }

    /** Runs the command's method under the barrier on the calling thread. */
    @Override
    public CompletionStage<CommandResult> handle(CommandContext ctx, JsonNode input) {
        BusinessMethod<Connection> method = methods.get(ctx.command());
        return CompletableFuture.completedFuture(method == null
                ? CommandHandler.unknownCommand(ctx)
                : barrier.run(ctx, input, method));
    }
}
