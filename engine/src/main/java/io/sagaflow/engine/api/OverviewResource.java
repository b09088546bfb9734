package io.sagaflow.engine.api;

import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.live.ChangeFeed;
import io.sagaflow.engine.saga.SagaViews;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** What the dashboard's overview shows, and the change notices its live pages follow. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class OverviewResource {

    private final SagaViews sagas;
    private final DeadLetterStore deadLetters;
    private final ChangeFeed changes;
    private final Clock clock;

    private final io.sagaflow.engine.security.CurrentCaller caller;
    private final io.sagaflow.engine.node.PipelineLag lag;

    public OverviewResource(SagaViews sagas, DeadLetterStore deadLetters, ChangeFeed changes, Clock clock,
                            io.sagaflow.engine.security.CurrentCaller caller, io.sagaflow.engine.node.PipelineLag lag) {
        this.caller = caller;
        this.lag = lag;
        this.sagas = sagas;
        this.deadLetters = deadLetters;
        this.changes = changes;
        this.clock = clock;
    }

    /** The overview: saga counts, the last hour per minute, open dead letters by source, pipeline lags. */
    public record Overview(SagaViews.Overview sagas, Map<String, Long> openDeadLetters, io.sagaflow.engine.node.PipelineLag.Lag lag) {
    }

    @GET
    @Path("/overview")
    @Operation(summary = "Saga counts by flow and status (open ones all, finished ones of the last 24 h), sagas started, "
            + "completed, compensated and failed per minute over the last hour, open dead letters by source, and how far "
            + "behind the relay (WAL bytes), the reply consumers and the HTTP connector (records) are")
    public Uni<Overview> overview() {
        return Uni.combine().all().unis(sagas.overview(clock.instant()), deadLetters.openCounts(), lag.measure()).asTuple()
                .map(t -> {
                    Map<String, Long> open = new TreeMap<>();
                    for (DeadLetterSource s : DeadLetterSource.values()) {
                        open.put(s.name(), t.getItem2().getOrDefault(s, 0L));
                    }
                    return new Overview(t.getItem1(), open, t.getItem3());
                });
    }

    /** Who is calling, as the engine sees it. */
    public record Me(String name, List<String> roles, List<String> flows) {
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller: name and roles (what the dashboard shows and which actions it offers)")
    public Me me() {
        var c = caller.get();
        return new Me(c.name(), c.roles().stream().map(io.sagaflow.engine.security.Role::label).sorted().toList(),
                c.flows().stream().sorted().toList());
    }

    /** A change notice: the sagas changed in the last second. */
    public record Changes(List<UUID> sagas) {
    }

    @GET
    @Path("/changes")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the ids of the sagas changed, gathered per second (nothing in a quiet "
            + "second); what live list pages follow to know when to re-read")
    public Multi<Changes> changes() {
        return changes.changes(Duration.ofSeconds(1)).map(ids -> new Changes(List.copyOf(ids)));
    }
}
