package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Answers one decoded command. {@link JdbcParticipant} (JDBC) and {@link ReactiveParticipant} implement it; the
 * transports ({@link KafkaParticipantRunner}, {@link HttpParticipantHandler}) only call it.
 */
@FunctionalInterface
public interface CommandHandler {

    /** The outcome of the command; completes, never fails (a problem is a RETRY). */
    CompletionStage<CommandResult> handle(CommandContext ctx, JsonNode input);

    /**
     * The answer to a command no method is registered for. RETRY rather than FAILURE: during a rolling deploy an
     * older instance may get a command a newer one knows, and a FAILURE would be final for the saga.
     */
    static CommandResult unknownCommand(CommandContext ctx) {
        return new CommandResult.Retry("no business method is registered for command '" + ctx.command() + "'");
    }
}
