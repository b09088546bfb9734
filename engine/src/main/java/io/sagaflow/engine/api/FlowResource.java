package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.flow.Deployment;
import io.sagaflow.engine.flow.FlowRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

    /** A deployed document, as listed; {@code undeployedAt} null while the flow is deployed. */
    public record FlowVersionView(String name, int version, String kind, OffsetDateTime deployedAt,
                                  OffsetDateTime undeployedAt, String content) {
    }

    /** All versions of one flow; {@code deployed} false once it was undeployed (its versions stay readable). */
    public record FlowView(String name, String kind, int latestVersion, boolean deployed, List<FlowVersionView> versions) {
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
        return flows.deploy(StorableText.require("document", new String(body, StandardCharsets.UTF_8))).map(FlowResource::deployed);
    }

    private static Response deployed(Deployment d) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", d.kind());
        body.put("name", d.name());
        body.put("version", d.version());
        return Response.status(d.created() ? 201 : 200).header("Location", "/api/flows/" + d.name()).entity(body).build();
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Undeploy a flow",
            description = "204 when undeployed (also when it was already): no new instance starts on it, every version "
                    + "stays readable for the instances that ran on it, a CacheSync stops and its slot and publication "
                    + "are dropped. 404 for an unknown name; 409 (flow-in-use, with the counts) while a saga of it is "
                    + "RUNNING, COMPENSATING or FAILED, a message of it is not yet delivered or rolled back, or a "
                    + "notification of it is PENDING.")
    public Uni<Response> undeploy(@PathParam("name") String name) {
        return flows.undeploy(StorableText.require("name", name)).map(u -> Response.noContent().build());
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
        return flows.versions(java.util.Optional.of(StorableText.require("name", name)))
                .map(records -> {
                    if (records.isEmpty()) {
                        throw new DomainFailure.NotFound("unknown-flow", "no flow named '" + name + "' is deployed");
                    }
                    return group(records).get(0);
                });
    }

    /** One step as the graph draws it; {@code undo} is the compensation (or cancel) and absent for a pivot. */
    public record StepNode(String name, String participant, String transport, boolean tcc, String forward, String confirm,
                           String undo, boolean pivot, int maxAttempts, String timeout) {
    }

    /** A stage: one step, or a parallel group whose branches start together. */
    public record StageNode(String name, boolean parallel, List<StepNode> steps) {
    }

    /** The shape of a saga flow version, stage by stage (other kinds: no stages). */
    public record FlowGraph(String name, int version, String kind, List<StageNode> stages) {
    }

    @GET
    @Path("/{name}/versions/{version}/graph")
    @Operation(summary = "The stages and steps of one version of a saga flow, as the dashboard draws them",
            description = "404 for an unknown flow or version; a flow of another kind answers its kind and no stages.")
    public Uni<FlowGraph> graph(@PathParam("name") String name, @PathParam("version") String version) {
        int v = QueryValues.intValue("version", version, 0);
        return flows.versions(java.util.Optional.of(StorableText.require("name", name))).chain(records -> {
            FlowRegistry.DeployedVersion record = records.stream().filter(r -> r.version() == v).findFirst()
                    .orElseThrow(() -> new DomainFailure.NotFound("unknown-flow-version",
                            "flow '" + name + "' has no version " + version));
            if (!"Saga".equals(record.kind())) {
                return Uni.createFrom().item(new FlowGraph(name, v, record.kind(), List.of()));
            }
            return flows.saga(name, v).map(flow -> new FlowGraph(name, v, record.kind(), flow.stages().stream()
                    .map(stage -> new StageNode(stage.name(), stage.parallel(), stage.steps().stream()
                            .map(step -> stepNode(flow, step)).toList()))
                    .toList()));
        });
    }

    private static StepNode stepNode(io.sagaflow.dsl.model.SagaFlow flow, io.sagaflow.dsl.model.Step step) {
        String transport = flow.participantOf(step) instanceof io.sagaflow.dsl.model.HttpParticipant ? "http" : "kafka";
        String confirm = step.commands() instanceof io.sagaflow.dsl.model.StepCommands.Tcc tcc ? tcc.confirm() : null;
        String undo = step.commands() instanceof io.sagaflow.dsl.model.StepCommands.Tcc tcc ? tcc.cancel()
                : step.compensation().orElse(null);
        return new StepNode(step.name(), step.participant(), transport, step.isTcc(), step.action(), confirm, undo,
                undo == null, step.retry().maxAttempts(), step.timeout().toString());
    }

    private static List<FlowView> group(List<FlowRegistry.DeployedVersion> records) {
        Map<String, List<FlowVersionView>> byName = new LinkedHashMap<>();
        for (FlowRegistry.DeployedVersion r : records) {
            byName.computeIfAbsent(r.name(), k -> new java.util.ArrayList<>())
                    .add(new FlowVersionView(r.name(), r.version(), r.kind(), r.deployedAt(),
                            r.undeployedAt().orElse(null), r.content()));
        }
        return byName.values().stream().map(versions -> {
            FlowVersionView latest = versions.get(versions.size() - 1);
            boolean deployed = versions.stream().anyMatch(v -> v.undeployedAt() == null);
            return new FlowView(latest.name(), latest.kind(), latest.version(), deployed, versions);
        }).toList();
    }
}
