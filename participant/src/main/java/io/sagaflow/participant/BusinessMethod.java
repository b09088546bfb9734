package io.sagaflow.participant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A participant's business method for one command, run by the barrier inside its local transaction.
 * Throw {@link BusinessFailure} to refuse the command for good; any other exception asks for a retry.
 * The method must not commit or roll back {@code tx}: the barrier does, together with its own row.
 *
 * @param <T> the local transaction handle ({@link java.sql.Connection} for the JDBC flavour)
 */
@FunctionalInterface
public interface BusinessMethod<T> {

    /** Does the work of one command in {@code tx} and returns the step's output (may be null). */
    JsonNode apply(CommandContext ctx, JsonNode input, T tx) throws Exception;
}
