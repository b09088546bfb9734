package io.sagaflow.engine.notification;

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
 * Redrives a GAVE_UP notification: a resend with a fresh schedule. Its redrive is settled SUCCEEDED when a later
 * attempt delivers it, FAILED_AGAIN when the new schedule is spent too.
 */
@ApplicationScoped
public class NotificationRedriver implements Redriver {

    private final NotificationStore store;

    public NotificationRedriver(NotificationStore store) {
        this.store = store;
    }

    @Override
    public DeadLetterSource source() {
        return DeadLetterSource.NOTIFICATION;
    }

    @Override
    public Uni<String> redrive(SqlConnection conn, DeadLetter letter, JsonNode request) {
        UUID id;
        try {
            id = UUID.fromString(letter.origin());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new DomainFailure.Conflict("not-redrivable", "Not redrivable",
                    "the dead letter's origin '" + letter.origin() + "' is not a notification id"));
        }
        return store.resendIn(conn, id).replaceWith("notification resent with a fresh schedule");
    }
}
