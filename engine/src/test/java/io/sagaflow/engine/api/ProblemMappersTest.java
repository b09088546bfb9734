package io.sagaflow.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.dsl.FlowParser;
import io.sagaflow.engine.flow.InvalidFlowException;
import io.sagaflow.engine.internal.DomainFailure;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Response r) {
        return (Map<String, Object>) r.getEntity();
    }

    @Test
    void eachKindOfFailureHasItsStatus() {
        assertThat(mappers.domainFailure(new DomainFailure.NotFound("unknown-saga", "no saga x")).getStatus())
                .isEqualTo(404);
        assertThat(mappers.domainFailure(new DomainFailure.Conflict("message-decided", "Message already decided",
                "rolled back")).getStatus()).isEqualTo(409);
        assertThat(mappers.domainFailure(new DomainFailure.Invalid("invalid-limit", "limit")).getStatus())
                .isEqualTo(400);
        Response unavailable = mappers.domainFailure(new DomainFailure.Unavailable("database-unavailable", "down"));
        assertThat(unavailable.getStatus()).isEqualTo(503);
        assertThat(unavailable.getHeaderString("Retry-After")).as("a retryable failure says when to retry").isEqualTo("1");
    }

    @Test
    void codesWithAMorePreciseStatusAreListedInOnePlace() {
        assertThat(mappers.domainFailure(new DomainFailure.Invalid("document-too-large", "Document too large",
                "the document has 2000000 bytes", Map.of())).getStatus()).isEqualTo(413);
        assertThat(mappers.domainFailure(new DomainFailure.Invalid("reply-unreadable", "Reply still unreadable",
                "no sagaflow-saga-id", Map.of())).getStatus()).isEqualTo(422);
    }

    @Test
    void theBodyIsAProblemWithTheCodeAsTypeAndTheDetailsAsMembers() {
        String sagaId = UUID.randomUUID().toString();
        Response r = mappers.domainFailure(new DomainFailure.Conflict("idempotency-key-reused", "Idempotency-Key reused",
                "Idempotency-Key 'k' was used for another request body", Map.of("sagaId", sagaId)));

        assertThat(r.getMediaType()).hasToString("application/problem+json");
        assertThat(body(r)).containsEntry("type", "https://sagaflow.io/problems/idempotency-key-reused")
                .containsEntry("title", "Idempotency-Key reused").containsEntry("status", 409)
                .containsEntry("detail", "Idempotency-Key 'k' was used for another request body")
                .containsEntry("sagaId", sagaId);
    }

    @Test
    void anInvalidDocumentListsEveryProblemWithItsPosition() {
        List<Diagnostic> diagnostics = new FlowParser(100_000).parse(
                "apiVersion: sagaflow.io/v1\nkind: Saga\nmetadata: {name: Bad_Name, version: 0}\nspec: {}\n").diagnostics();
        Response r = mappers.domainFailure(new InvalidFlowException(diagnostics));

        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(body(r)).containsEntry("type", "https://sagaflow.io/problems/invalid-flow");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) body(r).get("errors");
        assertThat(errors).hasSize(diagnostics.size()).isNotEmpty();
        assertThat(errors.get(0)).containsKeys("line", "column", "path", "code", "message", "hint");
    }

    @Test
    void anUnexpectedErrorIsAnInternalErrorProblem() {
        Response r = mappers.unexpected(new IllegalStateException("boom"));
        assertThat(r.getStatus()).isEqualTo(500);
        assertThat(body(r)).containsEntry("type", "https://sagaflow.io/problems/internal-error");
    }

    @Test
    void aFailureCodeIsKebabCase() {
        assertThatThrownBy(() -> new DomainFailure.NotFound("Unknown Saga", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kebab-case");
    }
}
