package io.sagaflow.engine.flow;


import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.cachesync.CacheSyncManager;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.dsl.FlowParser;
import io.sagaflow.dsl.ParseResult;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.FlowDocument;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.KafkaParticipant;
import io.sagaflow.dsl.model.MessageFlow;
import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.internal.Canonical;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deployed flow documents. A version never changes once deployed: the same content again is a no-op, other
 * content under an existing version is refused. Parsed documents are cached by (name, version); since versions
 * are immutable the cache never goes stale.
 */
@ApplicationScoped
public class FlowRegistry {

    private final Pool pool;
    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final CacheSyncManager cacheSyncs;
    private final Map<FlowId, FlowDocument> cache = new ConcurrentHashMap<>();

    public FlowRegistry(Pool pool, SagaflowConfig config, KafkaClients kafka, CacheSyncManager cacheSyncs) {
        this.pool = pool;
        this.config = config;
        this.kafka = kafka;
        this.cacheSyncs = cacheSyncs;
    }

    private FlowParser parser() {
        return new FlowParser(config.flows().maxBytes());
    }

    /** Validates and deploys a document; throws {@link InvalidFlowException} when it has errors. */
    public Uni<Deployment> deploy(String yaml) {
        ParseResult result = parser().parse(yaml);
        if (!result.ok()) {
            return Uni.createFrom().failure(new InvalidFlowException(result.diagnostics()));
        }
        FlowDocument doc = result.document().orElseThrow();
        String sha = Canonical.sha256(yaml);
        FlowId id = doc.id();
        Uni<Deployment> deployed = ensureTopics(doc).chain(() -> pool.preparedQuery(
                        "INSERT INTO flow (name, version, kind, content, content_sha256) VALUES ($1, $2, $3, $4, $5) "
                                + "ON CONFLICT (name, version) DO NOTHING RETURNING name")
                .execute(Tuple.of(id.name(), id.version(), doc.kind().yamlName(), yaml, sha)))
                .chain(inserted -> {
                    if (inserted.size() == 1) {
                        cache.put(id, doc);
                        return Uni.createFrom().item(new Deployment(doc.kind().yamlName(), id.name(), id.version(), true));
                    }
                    // The same content again: a no-op, or a redeploy of an undeployed version (clears the mark).
                    return pool.preparedQuery("WITH old AS (SELECT content_sha256, undeployed_at FROM flow "
                                    + "WHERE name = $1 AND version = $2), redeployed AS (UPDATE flow SET undeployed_at = NULL "
                                    + "WHERE name = $1 AND version = $2 AND undeployed_at IS NOT NULL AND content_sha256 = $3 "
                                    + "RETURNING 1) SELECT content_sha256, EXISTS (SELECT 1 FROM redeployed) AS redeployed FROM old")
                            .execute(Tuple.of(id.name(), id.version(), sha))
                            .map(rows -> {
                                Row row = rows.iterator().next();
                                if (row.getString("content_sha256").equals(sha)) {
                                    boolean redeployed = row.getBoolean("redeployed");
                                    if (redeployed) {
                                        cache.put(id, doc);
                                    }
                                    return new Deployment(doc.kind().yamlName(), id.name(), id.version(), redeployed);
                                }
                                throw new DomainFailure.Conflict("flow-version-exists", "Flow version already deployed",
                                        "flow " + id.name() + " version " + id.version() + " is already deployed "
                                                + "with other content; deploy it as version " + (id.version() + 1)
                                                + " (running sagas keep the version they started with)");
                            });
                });
        if (doc instanceof CacheSyncFlow sync) {
            // Started (or moved to this newer version) once stored; every node starts it at boot too.
            // (off the event loop: moving to a newer version stops the old runner, which can take seconds)
            return deployed.call(d -> Uni.createFrom().item(() -> {
                cacheSyncs.deploy(sync);
                return d;
            }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
        }
        return deployed;
    }

    /** One deployed version of a document, as stored; {@code undeployedAt} set once its flow was undeployed. */
    public record DeployedVersion(String name, int version, String kind, java.time.OffsetDateTime deployedAt,
                                  String content, java.util.Optional<java.time.OffsetDateTime> undeployedAt) {
    }

    /** What {@link #undeploy} did: {@code changed} false when the flow was undeployed already. */
    public record Undeployment(String name, String kind, boolean changed) {
    }

    /**
     * Undeploys every version of a flow: no new saga, message or notification starts on it; every version stays
     * readable for the instances that ran on it; a CacheSync stops and its slot and publication are dropped (here
     * now, on the other nodes at their next rescan). Refused while an instance of it has not finished: a RUNNING,
     * COMPENSATING or FAILED saga (a FAILED one still needs its flow for an operator's retry), a message not yet
     * delivered or rolled back, a PENDING notification. The flow's rows are locked, so two undeploys or an undeploy
     * and a deploy of the same name never interleave.
     */
    public Uni<Undeployment> undeploy(String name) {
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "SELECT version, kind, undeployed_at FROM flow WHERE name = $1 ORDER BY version FOR UPDATE")
                .execute(Tuple.of(name))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw new DomainFailure.NotFound("unknown-flow", "no flow named '" + name + "' is deployed");
                    }
                    String kind = null;
                    boolean deployed = false;
                    for (Row r : rows) {
                        kind = r.getString("kind");
                        deployed |= r.getValue("undeployed_at") == null;
                    }
                    String lastKind = kind;
                    if (!deployed) {
                        return Uni.createFrom().item(new Undeployment(name, lastKind, false));
                    }
                    return conn.preparedQuery("SELECT (SELECT count(*) FROM saga WHERE flow = $1 AND status IN "
                                    + "('RUNNING', 'COMPENSATING', 'FAILED')) AS sagas, (SELECT count(*) FROM message WHERE "
                                    + "flow = $1 AND status IN ('PREPARED', 'COMMITTED', 'UNDECIDED')) AS messages, "
                                    + "(SELECT count(*) FROM notification WHERE flow = $1 AND status = 'PENDING') AS notifications")
                            .execute(Tuple.of(name))
                            .chain(counts -> {
                                Row c = counts.iterator().next();
                                long sagas = c.getLong("sagas");
                                long messages = c.getLong("messages");
                                long notifications = c.getLong("notifications");
                                if (sagas + messages + notifications > 0) {
                                    throw new DomainFailure.Conflict("flow-in-use", "Flow in use", "flow " + name
                                            + " still has " + sagas + " unfinished saga(s), " + messages + " undelivered "
                                            + "message(s) and " + notifications + " pending notification(s); abort or "
                                            + "finish them first", Map.of("sagas", sagas, "messages", messages,
                                            "notifications", notifications));
                                }
                                return conn.preparedQuery("UPDATE flow SET undeployed_at = now() WHERE name = $1 "
                                                + "AND undeployed_at IS NULL")
                                        .execute(Tuple.of(name))
                                        .map(ignored -> new Undeployment(name, lastKind, true));
                            });
                }))
                .call(u -> "CacheSync".equals(u.kind()) ? stopCacheSync(name) : Uni.createFrom().voidItem());
    }

    /** Stops an undeployed sync here and drops what it created, off the event loop; the rescan finishes it if not now. */
    private Uni<Void> stopCacheSync(String name) {
        return undeployedCacheSyncs().chain(syncs -> Uni.createFrom().<Void>item(() -> {
            for (CacheSyncFlow sync : syncs) {
                if (sync.id().name().equals(name)) {
                    try {
                        cacheSyncs.undeploy(sync);
                    } catch (Exception e) {
                        // The rescan of every node retries; the flow is undeployed either way.
                        org.jboss.logging.Logger.getLogger(FlowRegistry.class)
                                .warnf("cache sync %s undeployed; cleaning up failed (%s), retried at the next rescan",
                                        name, e.getMessage());
                    }
                }
            }
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    /** The newest version of every CacheSync whose flow is undeployed (the rescan cleans them up). */
    public Uni<List<CacheSyncFlow>> undeployedCacheSyncs() {
        return pool.query("SELECT DISTINCT ON (name) name, version, content FROM flow f WHERE kind = 'CacheSync' "
                        + "AND NOT EXISTS (SELECT 1 FROM flow d WHERE d.name = f.name AND d.undeployed_at IS NULL) "
                        + "ORDER BY name, version DESC")
                .execute()
                .map(this::cacheSyncsOf);
    }

    /** Every deployed version, by name then version; of one name only when {@code name} is present. */
    public Uni<List<DeployedVersion>> versions(java.util.Optional<String> name) {
        String sql = "SELECT name, version, kind, content, deployed_at, undeployed_at FROM flow"
                + (name.isPresent() ? " WHERE name = $1" : "") + " ORDER BY name, version";
        Tuple params = name.map(Tuple::of).orElseGet(Tuple::tuple);
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<DeployedVersion> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new DeployedVersion(r.getString("name"), r.getInteger("version"), r.getString("kind"),
                        r.getOffsetDateTime("deployed_at"), r.getString("content"),
                        java.util.Optional.ofNullable(r.getOffsetDateTime("undeployed_at"))));
            }
            return out;
        });
    }

    /** The newest stored version of every CacheSync document (started at boot). */
    public Uni<List<CacheSyncFlow>> cacheSyncs() {
        return pool.query("SELECT DISTINCT ON (name) name, version, content FROM flow WHERE kind = 'CacheSync' "
                        + "AND undeployed_at IS NULL ORDER BY name, version DESC")
                .execute()
                .map(this::cacheSyncsOf);
    }

    private List<CacheSyncFlow> cacheSyncsOf(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<CacheSyncFlow> out = new ArrayList<>();
        for (Row r : rows) {
            if (parseStored(r) instanceof CacheSyncFlow sync) {
                out.add(sync);
            }
        }
        return out;
    }

    /** Topics of the document's Kafka participants and the reply topic, created before any command is sent. */
    private Uni<Void> ensureTopics(FlowDocument doc) {
        List<String> topics = new ArrayList<>();
        topics.add(config.replies().topic());
        if (doc instanceof SagaFlow saga) {
            saga.participants().values().stream()
                    .filter(p -> p instanceof KafkaParticipant)
                    .map(p -> ((KafkaParticipant) p).topic())
                    .forEach(topics::add);
        }
        if (doc instanceof MessageFlow message) {
            topics.add(message.topic());
        }
        return Uni.createFrom().<Void>item(() -> {
            kafka.ensureTopics(topics);
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** A saga flow at an exact version (the version a running saga is pinned to). */
    public Uni<SagaFlow> saga(String name, int version) {
        return at(name, version, SagaFlow.class);
    }

    /** The newest version of a saga flow: what a new saga starts on. */
    public Uni<SagaFlow> latestSaga(String name) {
        return latest(name, SagaFlow.class);
    }

    /** A document of the given kind at an exact version (the version a saga, message or notification is pinned to). */
    public <T extends FlowDocument> Uni<T> at(String name, int version, Class<T> kind) {
        FlowId id = new FlowId(name, version);
        FlowDocument cached = cache.get(id);
        if (cached != null) {
            return Uni.createFrom().item(as(cached, kind));
        }
        return pool.preparedQuery("SELECT content FROM flow WHERE name = $1 AND version = $2")
                .execute(Tuple.of(name, version))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new DomainFailure.NotFound("unknown-flow", "no flow " + name + " version " + version);
                    }
                    return as(cache.computeIfAbsent(id, k -> parseStored(rows.iterator().next())), kind);
                });
    }

    /** The newest version of a document of the given kind: what a new saga, message or notification uses. */
    public <T extends FlowDocument> Uni<T> latest(String name, Class<T> kind) {
        return pool.preparedQuery("SELECT max(version) FILTER (WHERE undeployed_at IS NULL), max(undeployed_at) "
                        + "FROM flow WHERE name = $1")
                .execute(Tuple.of(name))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    Integer version = row.getInteger(0);
                    if (version == null && row.getValue(1) != null) {
                        return Uni.createFrom().failure(new DomainFailure.NotFound("flow-undeployed",
                                "flow '" + name + "' was undeployed at " + row.getOffsetDateTime(1)
                                        + "; deploy it again to start new instances"));
                    }
                    if (version == null) {
                        return Uni.createFrom().failure(new DomainFailure.NotFound("unknown-flow",
                                "no flow named '" + name + "' is deployed (POST it to /api/flows first)"));
                    }
                    return at(name, version, kind);
                });
    }

    private FlowDocument parseStored(Row row) {
        ParseResult result = parser().parse(row.getString("content"));
        return result.document().orElseThrow(() -> new IllegalStateException(
                "a stored flow no longer parses: " + result.diagnostics()));
    }

    private static <T extends FlowDocument> T as(FlowDocument doc, Class<T> kind) {
        if (kind.isInstance(doc)) {
            return kind.cast(doc);
        }
        String wanted = kind == SagaFlow.class ? "Saga" : kind == MessageFlow.class ? "Message"
                : kind == NotificationFlow.class ? "Notification" : kind.getSimpleName();
        throw new DomainFailure.Invalid("wrong-kind", "flow " + doc.id().name() + " is a " + doc.kind().yamlName()
                + ", not a " + wanted);
    }
}
