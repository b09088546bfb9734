package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;

import io.sagaflow.connectors.cachesync.CacheSyncManager;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/cache-syncs")
@Produces(MediaType.APPLICATION_JSON)
public class CacheSyncResource {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(CacheSyncResource.class);
    private final CacheSyncManager syncs;
    private final io.sagaflow.engine.security.CurrentCaller caller;

    public CacheSyncResource(CacheSyncManager syncs, io.sagaflow.engine.security.CurrentCaller caller) {
        this.syncs = syncs;
        this.caller = caller;
    }

    @GET
    @Blocking
    @Operation(summary = "Every CacheSync known to this node with its status (lag is known on the node that owns it)")
    public java.util.List<Map<String, Object>> list() {
        return syncs.names().stream().map(syncs::status).flatMap(java.util.Optional::stream).toList();
    }

    @GET
    @Path("/{name}")
    @Blocking
    @Operation(summary = "A CacheSync: state, lag, changes applied, last reconcile")
    public Map<String, Object> get(@PathParam("name") String name) {
        return syncs.status(name).orElseThrow(() -> unknown(name));
    }

    @POST
    @Path("/{name}/reconcile")
    @Blocking
    @Operation(summary = "Compare the table with Redis now and repair drift; answers the counts")
    public Map<String, Object> reconcile(@PathParam("name") String name) throws Exception {
        Map<String, Object> result = syncs.reconcile(name).orElseThrow(() -> unknown(name));
        LOG.infof("audit: %s reconciled cache sync %s", caller.get().name(), name);
        return result;
    }

    private static DomainFailure unknown(String name) {
        return new DomainFailure.NotFound("unknown-cache-sync", "no CacheSync named '" + name + "' is deployed");
    }
}
