package io.sagaflow.cdc;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one Debezium embedded connector reads and where it keeps its position. {@link io.sagaflow.cdc.internal.
 * DebeziumProperties} turns it into the engine's properties; everything not listed here that a user of the runner
 * owns (an EventRouter, decimal handling) goes into {@code extra}.
 *
 * @param name           the Debezium engine's name (also its offset key: keep it stable across restarts)
 * @param topicPrefix    Debezium's {@code topic.prefix} (the logical server name)
 * @param source         the database and how to read its change stream
 * @param tables         Debezium's {@code table.include.list}, e.g. {@code public.sagaflow_outbox}
 * @param snapshot       what to read before streaming
 * @param offsets        where the connector's position is committed (only for acknowledged batches)
 * @param pollInterval   Debezium's {@code poll.interval.ms}: the floor of the change-to-sink latency
 * @param offsetFlush    Debezium's {@code offset.flush.interval.ms}: how much a crash may redeliver
 * @param extra          further connector properties owned by the caller; they may not override the ones above
 */
public record CdcConfig(String name, String topicPrefix, Source source, String tables, SnapshotMode snapshot,
                        OffsetStore offsets, Duration pollInterval, Duration offsetFlush, Map<String, String> extra) {

    /** Debezium's {@code snapshot.mode}. */
    public enum SnapshotMode {
        /** Stream from the slot's (or binlog's) current position: an outbox, whose rows only matter once. */
        NO_DATA("no_data"),
        /** Read the whole table on first start, then stream from exactly there: a cache of a table. */
        INITIAL("initial");

        private final String value;

        SnapshotMode(String value) {
            this.value = value;
        }

        /** The property value Debezium expects. */
        public String value() {
            return value;
        }
    }

    /** Validates every part; {@code extra} is copied in its order. */
    public CdcConfig {
        name = required(name, "name");
        topicPrefix = required(topicPrefix, "topicPrefix");
        Objects.requireNonNull(source, "cdc source must not be null");
        tables = required(tables, "tables");
        Objects.requireNonNull(snapshot, "cdc snapshot must not be null");
        Objects.requireNonNull(offsets, "cdc offsets must not be null");
        pollInterval = positive(pollInterval, "pollInterval");
        offsetFlush = positive(offsetFlush, "offsetFlush");
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(extra, "cdc extra must not be null")));
    }

    static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("cdc " + what + " must not be blank, was " + value);
        }
        return value;
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("cdc " + what + " must be > 0, was " + d);
        }
        return d;
    }
}
