package io.sagaflow.engine.api;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.engine.flow.InvalidFlowException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as RFC 7807 {@code application/problem+json}. */
public class ProblemMappers {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(Problem p) {
        return respond(p.status(), p.type(), p.title(), p.getMessage(), p.extensions());
    }

    @ServerExceptionMapper
    public Response invalidFlow(InvalidFlowException e) {
        List<Map<String, Object>> errors = e.diagnostics().stream().map(ProblemMappers::toJson).toList();
        return respond(400, "invalid-flow", "Invalid flow document", e.getMessage(), Map.of("errors", errors));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return respond(status, "http-" + status, title, e.getMessage(), Map.of());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return respond(500, "internal-error", "Internal error", "an unexpected error occurred: " + e, Map.of());
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://sagaflow.io/problems/" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extensions);
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }
}
