package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The contract check itself: it must fail what breaks the document, or the contract test proves nothing. */
class ContractCheckTest {

    private static final String DOCUMENT = """
            {"paths": {"/api/things/{id}": {"get": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "404": {"content": {"application/problem+json": {}}}}}}},
             "components": {"schemas": {
                "Thing": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"},
                    "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "size": {"type": "integer"},
                    "data": {"$ref": "#/components/schemas/AnyJson"}}},
                "AnyJson": {"description": "any"}}}}
            """;

    private final ContractCheck check;

    ContractCheckTest() throws Exception {
        check = new ContractCheck(new ObjectMapper().readTree(DOCUMENT));
    }

    private String answer(int status, String type, String body) {
        return check.violation("GET", "/api/things/t-1", status, type, body);
    }

    @Test
    void keepsWhatTheDocumentSays() {
        assertThat(answer(200, "application/json", "{\"id\":\"t-1\",\"note\":null,\"data\":null}")).isNull();
        assertThat(answer(404, "application/problem+json", "{}")).isNull();
        assertThat(check.violation("GET", "/api/nothing/here", 401, null, "")).isNull();   // before routing
    }

    @Test
    void failsAnUnlistedStatusAMissingRequiredFieldAndAnUndeclaredNull() {
        assertThat(answer(500, "application/json", "{}")).contains("answered 500");
        assertThat(answer(200, "application/json", "{\"note\":\"n\"}")).contains("$.id is required but missing");
        assertThat(answer(200, "application/json", "{\"id\":\"t\",\"size\":null}")).contains("$.size is null");
        assertThat(answer(200, "text/plain", "x")).contains("as text/plain");
        assertThat(check.violation("GET", "/api/nothing/here", 200, null, "")).contains("no operation");
    }
}
