package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.flow.Deployment;
import io.sagaflow.engine.flow.FlowRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/flows")
@Produces(MediaType.APPLICATION_JSON)
public class FlowResource {

    private final FlowRegistry flows;
    private final SagaflowConfig config;

    public FlowResource(FlowRegistry flows, SagaflowConfig config) {
        this.flows = flows;
        this.config = config;
    }

    /** A deployed document, as listed. */
    public record FlowVersionView(String name, int version, String kind, OffsetDateTime deployedAt, String content) {
    }

    /** All versions of one flow. */
    public record FlowView(String name, String kind, int latestVersion, List<FlowVersionView> versions) {
    }

    @POST
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain", MediaType.WILDCARD})
    @Operation(summary = "Validate and deploy a flow document (YAML)",
            description = "201 when new, 200 when the same content is already deployed, 400 with every problem "
                    + "found, 409 when that version exists with other content, 413 over the size limit.")
    public Uni<Response> deploy(byte[] body) {
        if (body == null || body.length == 0) {
            throw new DomainFailure.Invalid("empty-document", "the request body must be a YAML flow document");
        }
        if (body.length > config.flows().maxBytes()) {
            throw new DomainFailure.Invalid("document-too-large", "Document too large", "the document has " + body.length
                    + " bytes; the limit is " + config.flows().maxBytes() + " (sagaflow.flows.max-bytes)", Map.of());
        }
        return flows.deploy(new String(body, StandardCharsets.UTF_8)).map(FlowResource::deployed);
    }

    private static Response deployed(Deployment d) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", d.kind());
        body.put("name", d.name());
        body.put("version", d.version());
        return Response.status(d.created() ? 201 : 200).header("Location", "/api/flows/" + d.name()).entity(body).build();
    }

    @GET
    @Operation(summary = "Every deployed flow with its versions")
    public Uni<List<FlowView>> list() {
        return flows.versions(java.util.Optional.empty()).map(FlowResource::group);
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One flow with every deployed version and its document")
    public Uni<FlowView> get(@PathParam("name") String name) {
        return flows.versions(java.util.Optional.of(name))
                .map(records -> {
                    if (records.isEmpty()) {
                        throw new DomainFailure.NotFound("unknown-flow", "no flow named '" + name + "' is deployed");
                    }
                    return group(records).get(0);
                });
    }

    private static List<FlowView> group(List<FlowRegistry.DeployedVersion> records) {
        Map<String, List<FlowVersionView>> byName = new LinkedHashMap<>();
        for (FlowRegistry.DeployedVersion r : records) {
            byName.computeIfAbsent(r.name(), k -> new java.util.ArrayList<>())
                    .add(new FlowVersionView(r.name(), r.version(), r.kind(), r.deployedAt(), r.content()));
        }
        return byName.values().stream().map(versions -> {
            FlowVersionView latest = versions.get(versions.size() - 1);
            return new FlowView(latest.name(), latest.kind(), latest.version(), versions);
        }).toList();
    }
}
