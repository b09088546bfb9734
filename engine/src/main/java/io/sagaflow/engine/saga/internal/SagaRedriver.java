package io.sagaflow.engine.saga.internal;

import io.sagaflow.engine.saga.SagaStore;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.Redriver;
import io.sagaflow.engine.saga.SagaInput;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Redrives a FAILED saga: the operator retry of SPEC §4, recorded with the dead letter's id as its reason. */
@ApplicationScoped
public class SagaRedriver implements Redriver {

    private final SagaStore store;

    public SagaRedriver(SagaStore store) {
        this.store = store;
    }

    @Override
    public DeadLetterSource source() {
        return DeadLetterSource.SAGA;
    }

    @Override
    public Uni<String> redrive(SqlConnection conn, DeadLetter letter, JsonNode request) {
        String reason = request.path("reason").asText("redrive of dead letter " + letter.id());
        return store.applyIn(conn, UUID.fromString(letter.origin()), now -> new SagaInput.Retry(reason, now))
                .map(applied -> {
                    if (applied.state().isEmpty()) {
                        throw new DomainFailure.NotFound("unknown-saga", "the dead letter's saga " + letter.origin() + " is gone");
                    }
                    if (applied.decision().events().isEmpty() && applied.decision().rejection().isPresent()) {
                        throw new DomainFailure.Conflict("redrive-refused", "Redrive refused", applied.decision().rejection().get());
                    }
                    return "saga retried (now " + applied.state().get().status() + ")";
                });
    }
}
