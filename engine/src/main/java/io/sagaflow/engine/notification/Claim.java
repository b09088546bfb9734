package io.sagaflow.engine.notification;

import io.sagaflow.dsl.model.NotificationFlow;
import java.util.Objects;
import java.util.UUID;

/**
 * An attempt claimed in the database and now to be sent (outside any transaction).
 *
 * @param payloadJson the stored payload, as JSON text
 */
public record Claim(UUID notificationId, NotificationFlow flow, int attempt, String payloadJson) {

    public Claim {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(payloadJson, "payloadJson");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
    }
}
