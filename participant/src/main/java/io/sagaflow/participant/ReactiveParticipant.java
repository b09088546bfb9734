package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A reactive participant: like {@link JdbcParticipant}, on the Vert.x SQL client through {@link ReactiveBarrier}. */
public final class ReactiveParticipant implements CommandHandler {

    private final ReactiveBarrier barrier;
    private final Map<String, ReactiveBusinessMethod> methods = new ConcurrentHashMap<>();

    /** A participant on its own database (in Quarkus: the Mutiny pool's {@code getDelegate()}). */
    public ReactiveParticipant(Pool pool) {
        this.barrier = new ReactiveBarrier(pool);
    }

    /** Registers the business method of {@code command}; a command has exactly one. */
    public ReactiveParticipant on(String command, ReactiveBusinessMethod method) {
        Objects.requireNonNull(method, "method must not be null");
        if (methods.putIfAbsent(command, method) != null) {
            throw new IllegalArgumentException("command '" + command + "' already has a business method");
        }
        return this;
    }

    /** Runs the command's method under the barrier. */
    @Override
    public CompletionStage<CommandResult> handle(CommandContext ctx, JsonNode input) {
        ReactiveBusinessMethod method = methods.get(ctx.command());
        return method == null
                ? CompletableFuture.completedFuture(CommandHandler.unknownCommand(ctx))
                : barrier.run(ctx, input, method);
    }
}
