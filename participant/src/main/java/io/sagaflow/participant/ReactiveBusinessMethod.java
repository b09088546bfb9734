package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.CompletionStage;

/**
 * A business method for the reactive flavour: runs its queries on {@code tx}, a connection inside the barrier's
 * transaction, and completes with the step's output. Fail with {@link BusinessFailure} to refuse the command;
 * any other failure asks for a retry. Mutiny users wrap the connection with
 * {@code io.vertx.mutiny.sqlclient.SqlConnection.newInstance(tx)} and return {@code uni.subscribeAsCompletionStage()}.
 */
@FunctionalInterface
public interface ReactiveBusinessMethod {

    /** Does the work of one command on {@code tx}; must not commit or roll it back. */
    CompletionStage<JsonNode> apply(CommandContext ctx, JsonNode input, SqlConnection tx);
}
