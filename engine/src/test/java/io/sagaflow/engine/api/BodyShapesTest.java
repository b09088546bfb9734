package io.sagaflow.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.junit.jupiter.api.Test;

class BodyShapesTest {

    private static Schema ref(String name) {
        return OASFactory.createSchema().ref(name);
    }

    private static Schema string() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING));
    }

    @Test
    void freeFormJsonIsAnyJsonNullableFieldsSayNullAndAStreamIsOneEventAtATime() {
        OpenAPI api = OASFactory.createOpenAPI().components(OASFactory.createComponents()
                .addSchema("JsonNode", OASFactory.createSchema().addProperty("valueNode", OASFactory.createSchema()))
                .addSchema("SagaView", OASFactory.createSchema().addProperty("id", string()).addProperty("status", string())
                        .addProperty("input", ref("JsonNode")).addProperty("error", string()))
                .addSchema("Page", OASFactory.createSchema().addProperty("items",
                        OASFactory.createSchema().items(ref("JsonNode"))))
                .addSchema("EventView1", OASFactory.createSchema().addProperty("data", ref("JsonNode"))))
                .paths(OASFactory.createPaths().addPathItem("/api/sagas/{id}/stream", OASFactory.createPathItem()
                        .GET(OASFactory.createOperation().responses(OASFactory.createAPIResponses().addAPIResponse("200",
                                OASFactory.createAPIResponse().content(OASFactory.createContent().addMediaType(
                                        "text/event-stream", OASFactory.createMediaType().schema(
                                                OASFactory.createSchema().items(ref("EventView1"))))))))));

        new BodyShapes().filterOpenAPI(api);

        var schemas = api.getComponents().getSchemas();
        assertThat(schemas).doesNotContainKey("JsonNode").containsKey(BodyShapes.ANY_JSON);
        Schema saga = schemas.get("SagaView");
        assertThat(saga.getProperties().get("input").getRef()).endsWith("/AnyJson");
        assertThat(schemas.get("Page").getProperties().get("items").getItems().getRef()).endsWith("/AnyJson");
        assertThat(saga.getProperties().get("status").getEnumeration()).contains("RUNNING", "COMPLETED", "FAILED");
        assertThat(saga.getProperties().get("error").getAnyOf()).extracting(Schema::getType)
                .containsExactly(List.of(Schema.SchemaType.STRING), List.of(Schema.SchemaType.NULL));
        assertThat(saga.getRequired()).contains("id", "status", "input").doesNotContain("error", "output");
        Schema stream = api.getPaths().getPathItem("/api/sagas/{id}/stream").getGET()
                .getResponses().getAPIResponse("200").getContent().getMediaType("text/event-stream").getSchema();
        assertThat(stream.getRef()).endsWith("/EventView1");
        assertThat(stream.getItems()).isNull();
    }

    @Test
    void queryParametersReadAsTextAreDocumentedAsTheApiReadsThem() {
        var limit = OASFactory.createParameter().name("limit").in(org.eclipse.microprofile.openapi.models.parameters.Parameter.In.QUERY)
                .schema(string());
        var status = OASFactory.createParameter().name("status").in(org.eclipse.microprofile.openapi.models.parameters.Parameter.In.QUERY)
                .schema(string());
        var source = OASFactory.createParameter().name("source").in(org.eclipse.microprofile.openapi.models.parameters.Parameter.In.QUERY)
                .schema(string());
        OpenAPI api = OASFactory.createOpenAPI().components(OASFactory.createComponents())
                .paths(OASFactory.createPaths()
                        .addPathItem("/api/sagas", OASFactory.createPathItem().GET(OASFactory.createOperation()
                                .parameters(List.of(limit, status))))
                        .addPathItem("/api/dead-letters", OASFactory.createPathItem().GET(OASFactory.createOperation()
                                .parameters(List.of(source)))));

        new BodyShapes().filterOpenAPI(api);

        assertThat(limit.getSchema().getType()).containsExactly(Schema.SchemaType.INTEGER);
        assertThat(limit.getSchema().getMinimum()).isEqualByComparingTo("1");
        assertThat(limit.getSchema().getMaximum()).isEqualByComparingTo("500");
        assertThat(status.getSchema().getEnumeration()).contains("RUNNING", "COMPENSATED");
        assertThat(source.getSchema().getRef()).endsWith("/DeadLetterSource");
    }
}
