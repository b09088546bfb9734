package io.sagaflow.engine.retention;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.sagaflow.engine.internal.PollLoop;
import io.sagaflow.engine.internal.SqlValues;
import io.sagaflow.engine.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Removes finished sagas, messages, notifications and settled dead letters once their keep period is over (SPEC §7,
 * docs/retention.md). Every node sweeps; a batch is claimed with {@code FOR UPDATE SKIP LOCKED}, so nodes never wait
 * on each other or on the hot path (running rows are never candidates), and each batch is one short transaction:
 * optionally the archive records (through the outbox, so a row is never deleted without its record), then the
 * deletes, children first.
 */
@ApplicationScoped
public class RetentionSweeper {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);

    private final Pool pool;
    private final SagaflowConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final KafkaClients kafka;
    private PollLoop loop;

    public RetentionSweeper(Pool pool, SagaflowConfig config, Clock clock, MeterRegistry metrics, KafkaClients kafka) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(40) StartupEvent event) {
        if (!config.retention().enabled()) {
            LOG.info("retention is off (sagaflow.retention.enabled=false): finished work is kept for ever");
            return;
        }
        config.retention().archiveTopic().ifPresent(topic -> kafka.ensureTopics(List.of(topic)));
        Expiry expiry = expiry();
        // A round sweeps until nothing is due, in batches; then the loop waits `every`.
        loop = new PollLoop("sagaflow-retention", Integer.MAX_VALUE, config.retention().every(), Duration.ofSeconds(5),
                () -> sweep(expiry));
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(10));
        }
    }

    /** The configured keep periods. */
    public Expiry expiry() {
        return new Expiry(config.retention().keep(), config.retention().flows());
    }

    /** Removes everything due now, batch by batch; returns how many rows (sagas, messages, ...) went. */
    public int sweep(Expiry expiry) {
        int total = 0;
        for (Expiry.Cutoff cutoff : expiry.at(clock.instant())) {
            for (Retained kind : Retained.ALL) {
                int removed;
                do {
                    removed = removeBatch(kind, cutoff).await().atMost(Duration.ofSeconds(60));
                    total += removed;
                } while (removed == config.retention().batchSize());
            }
        }
        return total;
    }

    private Uni<Integer> removeBatch(Retained kind, Expiry.Cutoff cutoff) {
        Tuple claim = Tuple.of(SqlValues.at(cutoff.before()), config.retention().batchSize());
        if (cutoff.flow().isPresent()) {
            claim.addValue(cutoff.flow().get());
        } else {
            claim.addArrayOfString(cutoff.others().toArray(String[]::new));
        }
        return pool.withTransaction(conn -> conn.preparedQuery(kind.claim(cutoff.flow().isPresent())).execute(claim)
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>(rows.size());
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    UUID[] idArray = ids.toArray(UUID[]::new);
                    Uni<Void> chain = archive(conn, kind, idArray);
                    for (String delete : kind.deletes()) {
                        chain = chain.chain(() -> conn.preparedQuery(delete).execute(Tuple.tuple().addArrayOfUUID(idArray)).replaceWithVoid());
                    }
                    return chain.map(ignored -> ids.size());
                }))
                .invoke(n -> {
                    if (n > 0) {
                        metrics.counter("sagaflow.retention.removed", "kind", kind.name()).increment(n);
                        LOG.debugf("retention removed %d %s rows finished before %s", n, kind.name(), cutoff.before());
                    }
                });
    }

    private Uni<Void> archive(SqlConnection conn, Retained kind, UUID[] ids) {
        if (config.retention().archiveTopic().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String topic = config.retention().archiveTopic().get();
        return conn.preparedQuery(kind.archiveQuery()).execute(Tuple.tuple().addArrayOfUUID(ids)).chain(rows -> {
            List<Outbox.Row> records = new ArrayList<>(rows.size());
            for (Row r : rows) {
                String id = r.getUUID("id").toString();
                records.add(Outbox.Row.event(UUID.randomUUID(), topic, id, kind.name() + "-archived", r.getString("doc"),
                        "", "archive"));
            }
            return Outbox.write(conn, records);
        });
    }
}
