package io.sagaflow.engine.saga.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.Redriver;
import io.sagaflow.engine.saga.SagaStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redrives a poison reply: applies it to its saga again, as stored or with the operator's corrections
 * ({@code {"payload": <JSON>, "headers": {"sagaflow-outcome": "SUCCESS", ...}}} replace the stored ones) — the
 * edit-and-retry that a reply with a bad header needs. A reply that still cannot be read is refused (422).
 */
@ApplicationScoped
public class ReplyRedriver implements Redriver {

    private final SagaStore store;
    private final ObjectMapper json;

    public ReplyRedriver(SagaStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    @Override
    public DeadLetterSource source() {
        return DeadLetterSource.REPLY;
    }

    @Override
    public Uni<String> redrive(SqlConnection conn, DeadLetter letter, JsonNode request) {
        Map<String, String> headers = new LinkedHashMap<>(letter.headers());
        request.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        String value = request.has("payload") ? request.get("payload").toString() : letter.payload().orElse("");
        Reply reply;
        try {
            reply = Reply.parse(headers, value.getBytes(StandardCharsets.UTF_8), json);
        } catch (IllegalArgumentException e) {
            throw new DomainFailure.Invalid("reply-unreadable", "Reply still unreadable",
                    "the reply cannot be read: " + e.getMessage() + "; correct it with {\"headers\": {...}, \"payload\": ...}",
                    Map.of());
        }
        return store.applyIn(conn, reply.sagaId(), reply::input).map(applied -> applied.decision().rejection()
                .map(reason -> "reply applied and ignored by the saga: " + reason)
                .orElse("reply applied"));
    }
}
