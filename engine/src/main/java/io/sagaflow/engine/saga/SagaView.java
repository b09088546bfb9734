package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A saga as the API shows it (SPEC §4): {@code steps} is a list of {name, status, attempts, output, error}. */
public record SagaView(UUID id, String flow, int flowVersion, String status, JsonNode input, JsonNode output,
                       String error, JsonNode steps, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
