package io.sagaflow.engine.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * The error half of the OpenAPI contract (issue 12, item 4), written once instead of on every operation: the one
 * {@code Problem} schema, and on every {@code /api} operation each error status it can answer, as
 * {@code application/problem+json}. Which statuses follow from the operation's shape, as the filters and mappers
 * that answer them decide: 400 (bad parameters or body) where it takes any; 404 where a path names something, or a
 * POST body does (a flow); 431 (headers too large, from the HTTP layer, no body) on all;
 * 409 (state or Idempotency-Key conflicts) and 429 (the write rate, {@link AccessFilter}) on changes; 413 where it
 * takes a body; 401 and 403 ({@link AccessFilter}) and 503 (a dependency away, {@link ProblemMappers}) on all.
 * Statuses an operation declares itself are kept.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    static final String PROBLEM = "Problem";

    private static final Map<String, String> TITLES = Map.ofEntries(Map.entry("415",
            "The body's Content-Type is not one this operation reads"),
            Map.entry("400", "Bad request: a parameter or the body is invalid (every problem listed)"),
            Map.entry("401", "No or wrong credentials"),
            Map.entry("403", "The caller's role does not allow this (or a dashboard change without its CSRF header)"),
            Map.entry("404", "Nothing with that id or name"),
            Map.entry("409", "Conflicts with the current state, or an Idempotency-Key reused with another request"),
            Map.entry("413", "The body is over its size limit"),
            Map.entry("422", "The dead letter's reply is still unreadable: redriving it would fail again"),
            Map.entry("429", "Over the caller's write rate; see Retry-After"),
            Map.entry("503", "A dependency (PostgreSQL, Kafka) is unavailable; see Retry-After"));

    /**
     * Operations that answer 201 when they create and 200 when an Idempotency-Key (or the same content) finds what an
     * earlier call created; both with the same body. (They return a JAX-RS Response, whose status the scanner cannot
     * see.)
     */
    static final java.util.Set<String> CREATES = java.util.Set.of("POST /api/flows", "POST /api/sagas", "POST /api/messages",
            "POST /api/messages/{id}/dead-letter", "POST /api/notifications");

    /** Operations that answer 204 with no body instead of 200. */
    static final java.util.Set<String> NO_CONTENT = java.util.Set.of("DELETE /api/flows/{name}");

    /** Statuses one operation answers beyond what its shape says. */
    static final Map<String, String> PARTICULAR = Map.of("POST /api/dead-letters/{id}/redrive", "422");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(PROBLEM, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().forEach((method, op) -> addProblems(path, method, item, op));
            }
        });
    }

    private static void addProblems(String path, PathItem.HttpMethod method, PathItem item, Operation op) {
        String operation = method + " " + path;
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        if (NO_CONTENT.contains(operation)) {
            op.getResponses().removeAPIResponse("200");
            op.getResponses().addAPIResponse("204", OASFactory.createAPIResponse().description("Done; no body"));
        }
        if (CREATES.contains(operation) && op.getResponses().hasAPIResponse("200") && !op.getResponses().hasAPIResponse("201")) {
            var ok = op.getResponses().getAPIResponse("200");
            op.getResponses().addAPIResponse("201", OASFactory.createAPIResponse().description("Created")
                    .content(ok.getContent()));
            ok.description("Already there: what an earlier call with the same Idempotency-Key (or content) created");
        }
        boolean change = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
        boolean hasParameters = !parameters(item, op).isEmpty() || op.getRequestBody() != null;
        boolean namesSomething = path.contains("{");
        if (hasParameters) {
            add(op, "400");
        }
        if (namesSomething || method == PathItem.HttpMethod.POST && op.getRequestBody() != null) {
            add(op, "404");   // a path or a body naming something (a flow, a saga) that is not there
        }
        if (change) {
            add(op, "409");
            add(op, "429");
        }
        if (op.getRequestBody() != null || change) {
            add(op, "413");
        }
        if (op.getRequestBody() != null) {
            add(op, "415");
        }
        if (PARTICULAR.containsKey(operation)) {
            add(op, PARTICULAR.get(operation));
        }
        add(op, "401");
        add(op, "403");
        add(op, "503");
        if (!op.getResponses().hasAPIResponse("431")) {   // answered by the HTTP layer, before the API, without a body
            op.getResponses().addAPIResponse("431", OASFactory.createAPIResponse()
                    .description("Request headers over quarkus.http.limits.max-header-size"));
        }
        if (!op.getResponses().hasAPIResponse("414")) {   // the same, for the request line
            op.getResponses().addAPIResponse("414", OASFactory.createAPIResponse()
                    .description("Request line (path and query) over quarkus.http.limits.max-initial-line-length"));
        }
    }

    private static List<Parameter> parameters(PathItem item, Operation op) {
        List<Parameter> all = new java.util.ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (op.getParameters() != null) {
            all.addAll(op.getParameters());
        }
        return all;
    }

    private static void add(Operation op, String status) {
        if (op.getResponses().hasAPIResponse(status)) {
            return;
        }
        op.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().description(TITLES.get(status))
                .content(OASFactory.createContent().addMediaType(ProblemMappers.PROBLEM_JSON,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM)))));
    }

    /** RFC 9457 problem details as the engine writes them; extensions vary by problem. */
    private static Schema problemSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details. Extension members vary by problem (e.g. errors of a flow "
                        + "document, sagaId of a reused Idempotency-Key, retryAfterSeconds, requestId).")
                .addRequired("type").addRequired("title").addRequired("status")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("A URI reference naming the problem, e.g. https://sagaflow.io/problems/not-found"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("instance", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("requestId", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("Present on unexpected failures: the log line with the details carries it"))
                .additionalPropertiesBoolean(Boolean.TRUE);
    }
}
