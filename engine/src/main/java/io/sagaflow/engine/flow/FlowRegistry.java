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
                    return pool.preparedQuery("SELECT content_sha256 FROM flow WHERE name = $1 AND version = $2")
                            .execute(Tuple.of(id.name(), id.version()))
                            .map(rows -> {
                                if (rows.iterator().next().getString(0).equals(sha)) {
                                    return new Deployment(doc.kind().yamlName(), id.name(), id.version(), false);
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

    /** One deployed version of a document, as stored. */
    public record DeployedVersion(String name, int version, String kind, java.time.OffsetDateTime deployedAt,
                                  String content) {
    }

    /** Every deployed version, by name then version; of one name only when {@code name} is present. */
    public Uni<List<DeployedVersion>> versions(java.util.Optional<String> name) {
        String sql = "SELECT name, version, kind, content, deployed_at FROM flow"
                + (name.isPresent() ? " WHERE name = $1" : "") + " ORDER BY name, version";
        Tuple params = name.map(Tuple::of).orElseGet(Tuple::tuple);
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<DeployedVersion> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new DeployedVersion(r.getString("name"), r.getInteger("version"), r.getString("kind"),
                        r.getOffsetDateTime("deployed_at"), r.getString("content")));
            }
            return out;
        });
    }

    /** The newest stored version of every CacheSync document (started at boot). */
    public Uni<List<CacheSyncFlow>> cacheSyncs() {
        return pool.query("SELECT DISTINCT ON (name) name, version, content FROM flow WHERE kind = 'CacheSync' "
                        + "ORDER BY name, version DESC")
                .execute()
                .map(rows -> {
                    List<CacheSyncFlow> out = new ArrayList<>();
                    for (Row r : rows) {
                        if (parseStored(r) instanceof CacheSyncFlow sync) {
                            out.add(sync);
                        }
                    }
                    return out;
                });
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
        return pool.preparedQuery("SELECT max(version) FROM flow WHERE name = $1")
                .execute(Tuple.of(name))
                .chain(rows -> {
                    Integer version = rows.iterator().next().getInteger(0);
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
