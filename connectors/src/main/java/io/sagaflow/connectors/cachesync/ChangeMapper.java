package io.sagaflow.connectors.cachesync;

import io.debezium.engine.ChangeEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

/** Turns a batch of Debezium change records into Redis changes, each with its position in the source's order. */
final class ChangeMapper {

    private static final Logger LOG = Logger.getLogger(ChangeMapper.class);

    /**
     * One batch, ready for Redis.
     *
     * @param commitTimes the source commit times (epoch ms) of its streamed changes, for the lag
     * @param snapshot    whether any change came from the initial snapshot
     */
    record Batch(List<RedisApplier.Change> changes, List<Long> commitTimes, boolean snapshot) {
    }

    private final String name;
    private final boolean postgres;
    private final RowCodec codec;

    ChangeMapper(String name, boolean postgres, RowCodec codec) {
        this.name = name;
        this.postgres = postgres;
        this.codec = codec;
    }

    Batch map(List<ChangeEvent<SourceRecord, SourceRecord>> records) {
        List<RedisApplier.Change> changes = new ArrayList<>(records.size());
        List<Long> commitTimes = new ArrayList<>(records.size());
        boolean snapshot = false;
        for (ChangeEvent<SourceRecord, SourceRecord> change : records) {
            SourceRecord r = change.value();
            if (r == null || !(r.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
                continue;
            }
            String op = envelope.getString("op");
            Struct src = envelope.getStruct("source");
            boolean fromSnapshot = isSnapshot(src);
            snapshot |= fromSnapshot;
            String position = position(r, src, fromSnapshot);
            Map<String, Object> before = row(envelope, "before");
            Map<String, Object> after = row(envelope, "after");
            switch (op) {
                case "c", "r", "u" -> {
                    if (after == null) {
                        continue;
                    }
                    String key = codec.key(after);
                    if (before != null && codec.hasKey(before) && !codec.key(before).equals(key)) {
                        changes.add(new RedisApplier.Change('d', codec.key(before), position, List.of()));
                    }
                    changes.add(new RedisApplier.Change('u', key, position, codec.value(after)));
                }
                case "d" -> {
                    if (before == null || !codec.hasKey(before)) {
                        LOG.warnf("cache sync %s: a delete without the key's columns (set REPLICA IDENTITY FULL or key"
                                + " on the primary key); the reconcile will remove the key", name);
                        continue;
                    }
                    changes.add(new RedisApplier.Change('d', codec.key(before), position, List.of()));
                }
                default -> {
                    continue;
                }
            }
            Long ts = src.getInt64("ts_ms");
            if (ts != null && !fromSnapshot) {
                commitTimes.add(ts);
            }
        }
        return new Batch(changes, commitTimes, snapshot);
    }

    private static boolean isSnapshot(Struct src) {
        if (src.schema().field("snapshot") == null) {
            return false;
        }
        Object s = src.get("snapshot");
        return s != null && !"false".equals(s.toString());
    }

    /**
     * The change's place in the source's commit order, as a string that compares in that order. Snapshot rows
     * ("0...") are older than every streamed change ("1..."). PostgreSQL: (last commit LSN before this
     * transaction, LSN of the change): both grow in commit order, the second inside a transaction. MariaDB:
     * (binlog file, position of the transaction, event inside it, row inside the event).
     */
    String position(SourceRecord r, Struct src, boolean fromSnapshot) {
        Map<String, ?> offset = r.sourceOffset();
        String phase = fromSnapshot ? "0" : "1";
        if (postgres) {
            long commit = fromSnapshot ? 0 : number(offset.get("lsn_commit"));
            long lsn = src.schema().field("lsn") != null && src.get("lsn") != null ? src.getInt64("lsn")
                    : number(offset.get("lsn"));
            return phase + String.format("%016x%016x", commit, lsn);
        }
        String file = String.valueOf(offset.get("file"));
        long fileNo = 0;
        int dot = file.lastIndexOf('.');
        if (dot >= 0) {
            try {
                fileNo = Long.parseLong(file.substring(dot + 1));
            } catch (NumberFormatException ignored) {
                // not numbered
            }
        }
        long row = src.schema().field("row") != null && src.get("row") != null ? ((Number) src.get("row")).longValue() : 0;
        return phase + String.format("%010d%020d%010d%010d", fileNo, number(offset.get("pos")),
                number(offset.get("event")), row);
    }

    private static long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o == null) {
            return 0;
        }
        try {
            return Long.parseLong(o.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, Object> row(Struct envelope, String field) {
        if (envelope.schema().field(field) == null) {
            return null;
        }
        Struct s = envelope.getStruct(field);
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new HashMap<>();
        for (Field f : s.schema().fields()) {
            m.put(f.name(), s.get(f));
        }
        return m;
    }
}
