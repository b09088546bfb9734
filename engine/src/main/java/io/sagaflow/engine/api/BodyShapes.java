package io.sagaflow.engine.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.sagaflow.engine.saga.SagaStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * The body half of the OpenAPI contract (issue 12, item 4) where the generated schemas say less than the API does:
 * free-form JSON ({@code input}, {@code output}, {@code data}, {@code payload}) as any JSON value instead of
 * Jackson's {@code JsonNode} bean; which fields are always there ({@code required}) and which may be {@code null};
 * the saga status as its enum; an event stream as {@code text/event-stream} of one event per {@code data:} line;
 * query parameters as the API reads them ({@code limit} 1..500, {@code status} and {@code source} as their enums).
 * Every other schema is as the record declares it.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class BodyShapes implements OASFilter {

    static final String ANY_JSON = "AnyJson";
    private static final String JSON_NODE = "#/components/schemas/JsonNode";

    /** Per schema: the fields always present, and the ones present but possibly null. */
    private record Shape(List<String> required, List<String> nullable) {
    }

    /** The API's views, by their schema names (a Java {@code Optional} is written as null when empty). */
    private static final Map<String, Shape> SHAPES = Map.ofEntries(
            Map.entry("SagaView", new Shape(List.of("id", "flow", "flowVersion", "status", "input", "createdAt", "updatedAt"),
                    List.of("output", "error", "steps"))),
            Map.entry("StartRequest", new Shape(List.of("flow"), List.of())),
            Map.entry("EventView", new Shape(List.of("seq", "type", "at", "data"), List.of())),
            Map.entry("EventView1", new Shape(List.of("seq", "type", "at", "data"), List.of())),
            Map.entry("MessageView", new Shape(List.of("id", "flow", "flowVersion", "topic", "status", "checks", "payload",
                    "createdAt", "updatedAt"), List.of("key", "nextCheckAt"))),
            Map.entry("Notification", new Shape(List.of("id", "flow", "flowVersion", "status", "payload", "attempts",
                    "createdAt", "updatedAt"), List.of("nextAttemptAt"))),
            Map.entry("Attempt", new Shape(List.of("attempt", "startedAt"), List.of("finishedAt", "httpStatus", "latencyMs",
                    "error"))),
            Map.entry("DeadLetter", new Shape(List.of("id", "source", "origin", "reason", "detail", "headers", "attempts",
                    "status", "createdAt", "updatedAt", "redrives"), List.of("flow", "payload"))),
            Map.entry("Redrive", new Shape(List.of("id", "requestedAt", "request", "outcome"),
                    List.of("idempotencyKey", "detail", "settledAt"))),
            Map.entry("NodeView", new Shape(List.of("id", "alive", "startedAt", "lastHeartbeat", "holds"), List.of())),
            Map.entry("FlowVersionView", new Shape(List.of("name", "version", "kind", "deployedAt", "content"),
                    List.of("undeployedAt"))),
            Map.entry("FlowView", new Shape(List.of("name", "kind", "latestVersion", "deployed", "versions"), List.of())),
            Map.entry("Me", new Shape(List.of("name", "roles", "flows"), List.of())));

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(ANY_JSON, OASFactory.createSchema()
                .description("Any JSON value (free-form): an object, array, string, number, boolean or null"));
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        schemas.values().forEach(BodyShapes::anyJsonForJsonNode);
        openAPI.getComponents().removeSchema("JsonNode");
        openAPI.getComponents().removeSchema("JsonNodeType");
        SHAPES.forEach((name, shape) -> {
            Schema s = schemas.get(name);
            if (s != null && s.getProperties() != null) {
                s.setRequired(new ArrayList<>(shape.required()));
                shape.nullable().forEach(field -> orNull(s, field));
            }
        });
        Schema saga = schemas.get("SagaView");
        if (saga != null && saga.getProperties() != null && saga.getProperties().get("status") != null) {
            saga.getProperties().get("status").setEnumeration(new ArrayList<>(
                    Arrays.stream(SagaStatus.values()).map(Enum::name).toList()));
        }
        if (openAPI.getPaths() != null && openAPI.getPaths().getPathItems() != null) {
            openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(op -> {
                if (op.getParameters() != null) {
                    op.getParameters().stream().filter(p -> p.getIn() == Parameter.In.QUERY)
                            .forEach(p -> queryShape(path, p));
                }
            }));
            openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(op -> {
                if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
                    op.getResponses().getAPIResponses().values().forEach(r -> {
                        if (r.getContent() != null && r.getContent().getMediaType("text/event-stream") != null) {
                            eventStream(r.getContent().getMediaType("text/event-stream"));
                        }
                    });
                }
            }));
        }
    }

    /** The query parameter's schema as the API reads it (they are read as text, to answer a bad one with a 400). */
    private static void queryShape(String path, Parameter p) {
        switch (p.getName()) {
            case "limit" -> p.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                    .minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(500))
                    .defaultValue(50).description("Items per page, 1..500"));
            case "flowVersion" -> p.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                    .minimum(java.math.BigDecimal.ONE));
            case "from", "to" -> p.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                    .format("date-time"));
            case "source" -> p.setSchema(OASFactory.createSchema().ref("DeadLetterSource"));
            case "status" -> {
                if (path.startsWith("/api/sagas")) {
                    p.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).enumeration(
                            new ArrayList<>(Arrays.stream(SagaStatus.values()).map(Enum::name).toList())));
                } else if (path.startsWith("/api/messages")) {
                    p.setSchema(OASFactory.createSchema().ref("MessageStatus"));
                } else if (path.startsWith("/api/notifications")) {
                    p.setSchema(OASFactory.createSchema().ref("NotificationStatus"));
                } else if (path.startsWith("/api/dead-letters")) {
                    p.setSchema(OASFactory.createSchema().ref("DeadLetterStatus"));
                }
            }
            default -> {
            }
        }
    }

    /** {@code $ref JsonNode} anywhere under {@code s} becomes {@code $ref AnyJson}. */
    private static void anyJsonForJsonNode(Schema s) {
        if (s == null) {
            return;
        }
        if (JSON_NODE.equals(s.getRef())) {
            s.setRef(ANY_JSON);
        }
        if (s.getProperties() != null) {
            s.getProperties().values().forEach(BodyShapes::anyJsonForJsonNode);
        }
        anyJsonForJsonNode(s.getItems());
        if (s.getAdditionalPropertiesSchema() != null) {
            anyJsonForJsonNode(s.getAdditionalPropertiesSchema());
        }
    }

    /** The field may be null: its schema becomes "this, or null". */
    private static void orNull(Schema owner, String field) {
        Schema f = owner.getProperties().get(field);
        if (f == null) {
            return;
        }
        if (f.getRef() != null && f.getRef().endsWith("/" + ANY_JSON)) {
            return;   // any JSON value includes null
        }
        Schema nullable = OASFactory.createSchema().anyOf(List.of(f, OASFactory.createSchema().type(List.of(Schema.SchemaType.NULL))));
        owner.addProperty(field, nullable);
    }

    /**
     * An event stream's schema is one event (the JSON of one {@code data:} line), not an array: the stream sends them
     * one by one; an event's type is in its JSON ({@code type}), not in an {@code event:} line.
     */
    private static void eventStream(MediaType media) {
        Schema s = media.getSchema();
        if (s != null && s.getItems() != null) {
            media.setSchema(s.getItems().description("One event as the JSON of one `data:` line of the stream "
                    + "(text/event-stream; its type in `type`); the stream starts with what is recorded so far"));
        }
    }
}
