package io.sagaflow.engine.node;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.kafka.KafkaClients;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * How far behind the engine's pipelines are, cluster-wide: the outbox relay (WAL bytes its replication slot has not
 * confirmed yet), the reply consumers and the HTTP connector (records their consumer groups have not committed).
 * Measured at most every {@link #FRESH_FOR} whatever the number of open overviews; a part that cannot be measured
 * (Kafka down) is empty, not an error.
 */
@ApplicationScoped
public class PipelineLag {

    /** A measurement is reused this long. */
    public static final Duration FRESH_FOR = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(PipelineLag.class);

    /** The lags; empty where unknown. */
    public record Lag(Instant at, Optional<Long> relayBytes, Optional<Long> replyRecords, Optional<Long> httpCommandRecords) {
    }

    private final Pool pool;
    private final KafkaClients kafka;
    private final SagaflowConfig config;
    private final Clock clock;
    private volatile Lag last;

    public PipelineLag(Pool pool, KafkaClients kafka, SagaflowConfig config, Clock clock) {
        this.pool = pool;
        this.kafka = kafka;
        this.config = config;
        this.clock = clock;
    }

    /** The lags now (or as of at most {@link #FRESH_FOR} ago). Blocking: call from a worker thread. */
    public Lag now() {
        Lag cached = last;
        Instant now = clock.instant();
        if (cached != null && cached.at().plus(FRESH_FOR).isAfter(now)) {
            return cached;
        }
        Lag fresh = new Lag(now, relayBytes(), groupLag(config.replies().group()),
                config.httpConnector().enabled() ? groupLag(config.httpConnector().group()) : Optional.empty());
        last = fresh;
        return fresh;
    }

    private Optional<Long> relayBytes() {
        try {
            return pool.preparedQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS behind "
                            + "FROM pg_replication_slots WHERE slot_name = $1")
                    .execute(Tuple.of(config.relay().slot()))
                    .map(rows -> rows.size() == 0 ? Optional.<Long>empty()
                            : Optional.ofNullable(rows.iterator().next().getLong("behind")))
                    .await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debugf("relay lag unknown: %s", e.toString());
            return Optional.empty();
        }
    }

    private Optional<Long> groupLag(String group) {
        try {
            return Optional.of(kafka.groupLag(group, Duration.ofSeconds(3)));
        } catch (Exception e) {
            LOG.debugf("lag of group %s unknown: %s", group, e.toString());
            return Optional.empty();
        }
    }

    /** For callers that are not on a worker thread. */
    public Uni<Lag> measure() {
        return Uni.createFrom().item(this::now).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }
}
