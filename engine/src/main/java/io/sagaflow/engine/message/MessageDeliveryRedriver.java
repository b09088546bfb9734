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
 * Redrive of a message a consumer could not process: publish it to its topic again through the outbox, with the
 * same message id (consumers dedupe with their barrier, so only the consumers that failed process it again).
 */
@ApplicationScoped
public class MessageDeliveryRedriver implements Redriver {

    private final MessageStore store;

    public MessageDeliveryRedriver(MessageStore store) {
        this.store = store;
    }

    @Override
    public DeadLetterSource source() {
        return DeadLetterSource.MESSAGE_DELIVERY;
    }

    @Override
    public Uni<String> redrive(SqlConnection conn, DeadLetter letter, JsonNode request) {
        // origin = {messageId}:{consumer group}
        String origin = letter.origin();
        int sep = origin.indexOf(':');
        UUID id = UUID.fromString(sep < 0 ? origin : origin.substring(0, sep));
        String consumer = sep < 0 ? "" : origin.substring(sep + 1);
        return store.actIn(conn, id, new MessageInput.Republish("redrive of dead letter " + letter.id()
                        + (consumer.isEmpty() ? "" : " (consumer " + consumer + ")")))
                .map(d -> {
                    MessageDecision decided = d.orElseThrow(() -> new DomainFailure.NotFound("unknown-message", "no message " + id));
                    if (decided.verdict() instanceof MessageDecision.Verdict.Refused refused) {
                        throw new DomainFailure.Conflict("message-not-committed", "Message not committed", refused.reason());
                    }
                    return "message re-published";
                });
    }
}
