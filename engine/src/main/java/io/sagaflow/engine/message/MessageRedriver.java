package io.sagaflow.engine.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.Redriver;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Redrive of an UNDECIDED message: the operator decides, {@code {"decision": "commit" | "rollback"}}. Committing
 * publishes the message through the outbox; either way the redrive is SUCCEEDED at once (the decision is final).
 */
@ApplicationScoped
public class MessageRedriver implements Redriver {

    private static final String COMMIT = "commit";
    private static final String ROLLBACK = "rollback";

    private final MessageStore store;

    public MessageRedriver(MessageStore store) {
        this.store = store;
    }

    @Override
    public DeadLetterSource source() {
        return DeadLetterSource.MESSAGE;
    }

    @Override
    public Uni<String> redrive(SqlConnection conn, DeadLetter letter, JsonNode request) {
        String decision = request.path("decision").asText("");
        MessageInput input;
        String done;
        if (COMMIT.equals(decision)) {
            input = new MessageInput.Commit(Actor.OPERATOR, principal(request));
            done = "message committed by an operator";
        } else if (ROLLBACK.equals(decision)) {
            input = new MessageInput.Rollback(Actor.OPERATOR, principal(request));
            done = "message rolled back by an operator";
        } else {
            throw new DomainFailure.Invalid("decision-required", "redriving an UNDECIDED message needs "
                    + "{\"decision\": \"commit\" | \"rollback\"}" + (decision.isEmpty() ? "" : ", was '" + decision + "'"));
        }
        UUID id = UUID.fromString(letter.origin());
        return store.actIn(conn, id, input).map(d -> {
            MessageDecision decided = d.orElseThrow(() -> new DomainFailure.NotFound("unknown-message", "no message " + id));
            if (decided.verdict() instanceof MessageDecision.Verdict.Refused refused) {
                throw new DomainFailure.Conflict("message-decided", "Message already decided", refused.reason());
            }
            return decided.rejection().map(r -> "nothing to do: " + r).orElse(done);
        });
    }

    /** Who asked for the redrive, as its audit records it ({@code by}). */
    private static java.util.Optional<String> principal(JsonNode request) {
        return java.util.Optional.ofNullable(request.path("by").textValue());
    }
}
