package io.sagaflow.connectors.cachesync;

import java.time.Clock;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The lag of one sync: the age of the oldest change of the batch Redis has not acknowledged yet, or, between
 * batches, what it was when the last batch was acknowledged. Times are the source's commit times (epoch ms).
 */
final class SyncLag {

    private final Clock clock;
    /** Commit time of the oldest streamed change of the batch in flight; 0 while none is in flight. */
    private volatile long pendingSince;
    private volatile long lastLagMillis;

    SyncLag(Clock clock) {
        this.clock = clock;
    }

    /** A batch goes to Redis; {@code commitTimes} of its streamed changes (snapshot rows have none). */
    void pending(List<Long> commitTimes) {
        pendingSince = commitTimes.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /** Redis acknowledged the batch: each change's commit → visible time goes to {@code visibleMillis}. */
    void acknowledged(List<Long> commitTimes, LongConsumer visibleMillis) {
        long now = clock.millis();
        for (Long ts : commitTimes) {
            visibleMillis.accept(Math.max(0, now - ts));
        }
        long p = pendingSince;
        lastLagMillis = p == 0 ? 0 : now - p;
        pendingSince = 0;
    }

    /** The lag now: it grows while a batch waits for Redis. */
    long millis() {
        long p = pendingSince;
        return p > 0 ? Math.max(lastLagMillis, clock.millis() - p) : lastLagMillis;
    }
}
