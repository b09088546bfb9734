package io.sagaflow.engine.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A message as the API shows it. {@code events} is its history, in order; lists leave it out (null).
 *
 * @param nextCheckAt when the next check-back is due; null unless PREPARED
 */
public record MessageView(UUID id, String flow, int flowVersion, String topic, String key, MessageStatus status,
                          int checks, Instant nextCheckAt, JsonNode payload, Instant createdAt, Instant updatedAt,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<EventView> events) {

    /** One event of the history. */
    public record EventView(long seq, String type, Instant at, JsonNode data) {
    }
}
