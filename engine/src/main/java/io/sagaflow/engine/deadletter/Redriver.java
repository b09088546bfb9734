package io.sagaflow.engine.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Hands a dead letter back to its source (one CDI bean per {@link DeadLetterSource}). It runs in the transaction
 * that marks the letter REDRIVEN, so a redrive happens once or not at all. It throws a
 * {@link io.sagaflow.engine.internal.DomainFailure} when the request is not acceptable (nothing is then written).
 */
public interface Redriver {

    DeadLetterSource source();

    /**
     * Re-submits the letter's origin.
     *
     * @param request the redrive body ({@code {}} when none); e.g. {@code {"decision": "commit"}} for a message
     * @return what was done, for the audit (e.g. "saga retried")
     */
    Uni<String> redrive(SqlConnection conn, DeadLetter letter, JsonNode request);
}
