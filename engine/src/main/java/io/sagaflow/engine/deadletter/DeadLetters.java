package io.sagaflow.engine.deadletter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.engine.internal.DomainFailure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Redrive: hands dead letters back to their sources, one at a time or in bulk, each in one transaction with the
 * letter's change to REDRIVEN and its audit row, so a redrive happens once or not at all.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final Pool pool;
    private final DeadLetterStore store;
    private final Map<DeadLetterSource, Redriver> redrivers = new EnumMap<>(DeadLetterSource.class);
    private final SagaflowConfig config;
    private final KafkaClients kafka;
    private final Map<DeadLetterSource, Long> open = new ConcurrentHashMap<>();

    public DeadLetters(Pool pool, DeadLetterStore store, Instance<Redriver> redrivers, SagaflowConfig config,
                       KafkaClients kafka, MeterRegistry metrics) {
        this.pool = pool;
        this.store = store;
        this.config = config;
        this.kafka = kafka;
        redrivers.forEach(r -> this.redrivers.put(r.source(), r));
        for (DeadLetterSource source : DeadLetterSource.values()) {
            open.put(source, 0L);
            Gauge.builder("sagaflow.dead.letters.open", open, m -> m.get(source)).tag("source", source.name())
                    .description("OPEN dead letters (refreshed every 10 s)").register(metrics);
        }
    }

    void onStart(@Observes StartupEvent event) {
        kafka.ensureTopics(List.of(config.deadLetters().topic()));
        Thread refresher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    open.putAll(store.openCounts().await().atMost(Duration.ofSeconds(10)));
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.debugf("counting open dead letters failed: %s", e.getMessage());
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "sagaflow-dead-letter-gauge");
        refresher.setDaemon(true);
        refresher.start();
    }

    /**
     * Redrives one letter. Idempotent: a letter already REDRIVEN is answered as it is (nothing runs again);
     * a RESOLVED one is refused with 409; a request the source refuses (e.g. a message redrive without a decision)
     * changes nothing.
     */
    public Uni<DeadLetter> redrive(UUID id, Optional<String> idempotencyKey, ObjectNode request) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT status FROM dead_letter WHERE id = $1 FOR UPDATE")
                        .execute(Tuple.of(id))
                        .chain(rows -> {
                            if (rows.size() == 0) {
                                return Uni.createFrom().failure(unknown(id));
                            }
                            DeadLetterStatus status = DeadLetterStatus.valueOf(rows.iterator().next().getString("status"));
                            if (status == DeadLetterStatus.REDRIVEN) {
                                return Uni.createFrom().voidItem();   // already done: answer it as it is
                            }
                            if (status == DeadLetterStatus.RESOLVED) {
                                return Uni.createFrom().failure(new DomainFailure.Conflict("dead-letter-resolved",
                                        "Dead letter already resolved", "dead letter " + id + " was resolved without a "
                                                + "redrive (its origin was settled directly); there is nothing to redrive"));
                            }
                            return store.find(conn, id).chain(letter -> {
                                Redriver redriver = redrivers.get(letter.orElseThrow().source());
                                if (redriver == null) {
                                    return Uni.createFrom().failure(new DomainFailure.Conflict("not-redrivable",
                                            "Not redrivable", "this engine cannot redrive " + letter.get().source()
                                                    + " dead letters"));
                                }
                                // REDRIVEN first: what the source does may settle the origin, which must then
                                // find this letter redriven rather than open.
                                return store.markRedriven(conn, id, idempotencyKey, request)
                                        .chain(redriveId -> redriver.redrive(conn, letter.get(), request)
                                                .chain(detail -> store.describeRedrive(conn, redriveId, detail)));
                            });
                        }))
                .chain(() -> store.get(id))
                .map(letter -> letter.orElseThrow(() -> unknown(id)));
    }

    /** What a bulk redrive did: how many letters matched, which were redriven, which were refused and why. */
    public record BulkResult(int count, boolean confirmed, List<UUID> redriven, List<Refusal> refused) {
    }

    /** A letter a bulk redrive could not redrive. */
    public record Refusal(UUID id, String type, String detail) {
    }

    /**
     * Bulk redrive of the OPEN letters matching {@code filter}. Without {@code confirm} only counts them, so an
     * operator sees how many a filter catches before acting; with it, each is redriven in its own transaction and
     * one refusal does not stop the others.
     */
    public Uni<BulkResult> redriveAll(DeadLetterStore.Filter filter, boolean confirm, Optional<String> idempotencyKey,
                                      ObjectNode request) {
        DeadLetterStore.Filter openOnly = new DeadLetterStore.Filter(filter.source(),
                Optional.of(DeadLetterStatus.OPEN), filter.flow(), filter.reason());
        return store.ids(openOnly).chain(ids -> {
            if (!confirm) {
                return Uni.createFrom().item(new BulkResult(ids.size(), false, List.of(), List.of()));
            }
            List<UUID> done = new ArrayList<>();
            List<Refusal> refused = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (UUID id : ids) {
                chain = chain.chain(() -> redrive(id, idempotencyKey.map(k -> k + ":" + id), request)
                        .onItem().invoke(letter -> done.add(id))
                        .onFailure().recoverWithItem(e -> {
                            refused.add(new Refusal(id, e instanceof DomainFailure f ? f.code() : "error", e.getMessage()));
                            return null;
                        })
                        .replaceWithVoid());
            }
            return chain.map(ignored -> new BulkResult(ids.size(), true, done, refused));
        });
    }

    private static DomainFailure unknown(UUID id) {
        return new DomainFailure.NotFound("unknown-dead-letter", "no dead letter " + id);
    }
}
