package io.sagaflow.connectors.cachesync;

import io.sagaflow.cdc.CdcConfig;
import io.sagaflow.cdc.JdbcTable;
import io.sagaflow.cdc.OffsetStore;
import io.sagaflow.cdc.Source;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.outbox.JdbcTarget;
import io.sagaflow.dsl.model.CacheSyncFlow;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The change stream of one sync for the {@link io.sagaflow.cdc.CdcRunner}: slot, publication, offset and history
 * tables all named {@code <slot-prefix><name>} (the "identifier"), kept in the engine's database so any node can
 * resume.
 */
final class SyncConnector {

    private SyncConnector() {
    }

    /** A SQL identifier from a sync name: lower case, [a-z0-9_], at most 50 characters. */
    static String identifier(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 50 ? s.substring(0, 50) : s;
    }

    /**
     * A MariaDB replica id for the sync, stable across restarts and nodes (one reader per sync at a time), above the
     * small ids servers are usually given.
     */
    static long serverId(String ident) {
        return 100_000 + Math.floorMod(ident.hashCode(), 1_000_000);
    }

    static CdcConfig config(CacheSyncFlow flow, SagaflowConfig.CacheSync config, JdbcTarget engineDb, SourceDb source,
                            String ident) {
        Source cdcSource = source.postgres()
                // Debezium creates slot and publication on first start, at the point its snapshot is taken.
                ? new Source.Postgres(source.host(), source.port(), source.database(), source.user(), source.password(),
                        ident, ident, Source.Publication.BY_DEBEZIUM)
                : new Source.MariaDb(source.host(), source.port(), source.user(), source.password(), serverId(ident),
                        flow.source().table().qualifier(), engineTable(engineDb, ident + "_history"));
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("decimal.handling.mode", "string");   // decimals compare as text, exactly (docs/cache-sync.md)
        extra.put("tombstones.on.delete", "false");
        extra.put("errors.max.retries", "-1");
        return new CdcConfig("sagaflow-cachesync-" + ident, ident, cdcSource, flow.source().table().toString(),
                CdcConfig.SnapshotMode.INITIAL, new OffsetStore.Jdbc(engineTable(engineDb, ident + "_offsets")),
                config.pollInterval(), config.offsetFlushInterval(), extra);
    }

    private static JdbcTable engineTable(JdbcTarget engineDb, String table) {
        return new JdbcTable(engineDb.jdbcUrl(), engineDb.user(), engineDb.password(), table);
    }
}
