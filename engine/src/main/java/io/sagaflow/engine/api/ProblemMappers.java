package io.sagaflow.engine.api;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.engine.flow.InvalidFlowException;
import io.sagaflow.engine.internal.DomainFailure;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves the API as RFC 7807 {@code application/problem+json}, and this is the one room where a
 * failure becomes an HTTP status: the domain throws {@link DomainFailure}s (not found, conflict, invalid,
 * unavailable), mapped here by kind, with the few codes whose status is more precise listed in {@link #STATUS_BY_CODE}.
 */
public class ProblemMappers {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Codes answered with a status other than their kind's. */
    static final Map<String, Integer> STATUS_BY_CODE = Map.of(
            "document-too-large", 413,
            "payload-too-large", 413,
            "reply-unreadable", 422,
            "flow-not-allowed", 403);

    @ServerExceptionMapper
    public Response domainFailure(DomainFailure f) {
        Map<String, Object> extensions = new LinkedHashMap<>(f.details());
        if (f instanceof InvalidFlowException invalid) {
            extensions.put("errors", invalid.diagnostics().stream().map(ProblemMappers::toJson).toList());
        }
        Response response = respond(status(f), f.code(), f.summary(), f.getMessage(), extensions);
        if (f.retryable()) {
            return Response.fromResponse(response).header("Retry-After", "1").build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, jakarta.ws.rs.core.UriInfo uri) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        Response problem = respond(status, "http-" + status, title, e.getMessage(), Map.of());
        if (status != 405) {
            return problem;
        }
        // 405 says which methods the path has (RFC 9110 §15.5.6).
        return AllowedMethods.allow(uri.getPath())
                .map(allow -> Response.fromResponse(problem).header("Allow", allow).build()).orElse(problem);
    }

    /** {@code OPTIONS} of an API path answers the methods the path really has; of no API path, 404. */
    @org.jboss.resteasy.reactive.server.ServerRequestFilter(preMatching = true)
    public java.util.Optional<Response> options(jakarta.ws.rs.container.ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!"OPTIONS".equals(request.getMethod()) || !path.startsWith("/api")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(AllowedMethods.allow(path)
                .map(allow -> Response.noContent().header("Allow", allow).build())
                .orElseGet(() -> respond(404, "not-found", "Not Found", "no API path " + path, Map.of())));
    }

    /**
     * Anything else. The answer never carries an exception's class or message (they may name tables, SQL, internal
     * types): it carries a {@code requestId} that the log line with the stack trace carries too. A database that is
     * away (a failure a retry outlives, by type and SQLSTATE) is a 503 with {@code Retry-After}.
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        String requestId = java.util.UUID.randomUUID().toString();
        if (io.sagaflow.engine.internal.Transient.is(e)) {
            LOG.warnf(e, "request %s: a dependency is unavailable", requestId);
            return Response.fromResponse(respond(503, "unavailable", "Service unavailable",
                    "a dependency of the engine (its database or Kafka) is unavailable; try again", Map.of("requestId", requestId)))
                    .header("Retry-After", "1").build();
        }
        LOG.errorf(e, "request %s: unexpected error", requestId);
        return respond(500, "internal-error", "Internal error",
                "an unexpected error occurred; the engine's log has it under request id " + requestId,
                Map.of("requestId", requestId));
    }

    /** The HTTP status of a domain failure. */
    static int status(DomainFailure f) {
        Integer precise = STATUS_BY_CODE.get(f.code());
        if (precise != null) {
            return precise;
        }
        if (f instanceof DomainFailure.NotFound) {
            return 404;
        }
        if (f instanceof DomainFailure.Conflict) {
            return 409;
        }
        if (f instanceof DomainFailure.Unavailable) {
            return 503;
        }
        return 400;
    }

    static Map<String, Object> toJson(Diagnostic d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", d.line());
        m.put("column", d.column());
        m.put("path", d.path());
        m.put("code", d.code());
        m.put("message", d.message());
        m.put("hint", d.hint().orElse(null));
        return m;
    }

    static Response respond(int status, String type, String title, String detail, Map<String, Object> extensions) {
        return Response.status(status).type(PROBLEM_JSON).entity(problem(status, type, title, detail, extensions)).build();
    }

    /** The body of a problem (RFC 9457): type, title, status, detail, then the extensions. */
    static Map<String, Object> problem(int status, String type, String title, String detail, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://sagaflow.io/problems/" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extensions);
        return body;
    }
}
