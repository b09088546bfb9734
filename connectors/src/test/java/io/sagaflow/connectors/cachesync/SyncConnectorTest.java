package io.sagaflow.connectors.cachesync;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.cdc.internal.DebeziumProperties;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.connectors.outbox.JdbcTarget;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.KeyTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A sync's Debezium properties, key for key what CacheSyncRunner ran with before it moved onto the cdc runner. */
class SyncConnectorTest {

    private static final JdbcTarget ENGINE_DB = JdbcTarget.parse("jdbc:postgresql://127.0.0.1:5432/sagaflow",
            "postgres", "");

    private static final SagaflowConfig.CacheSync CONFIG = new SagaflowConfig.CacheSync() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String slotPrefix() {
            return "sagaflow_cs_";
        }

        @Override
        public String redisPrefix() {
            return "sagaflow:cs:";
        }

        @Override
        public Duration pollInterval() {
            return Duration.ofMillis(10);
        }

        @Override
        public Duration offsetFlushInterval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration leadershipCheck() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration markerCheck() {
            return Duration.ofSeconds(1);
        }

        @Override
        public int reconcilePageSize() {
            return 500;
        }

        @Override
        public Duration maxLag() {
            return Duration.ofSeconds(30);
        }
    };

    private static CacheSyncFlow flow(CacheSyncFlow.Database db, Optional<URI> url, CacheSyncFlow.TableName table) {
        return new CacheSyncFlow(new FlowId("products-cache", 1),
                new CacheSyncFlow.Source(db, url, Optional.empty(), Optional.empty(), table),
                new KeyTemplate("product:${id}"), new CacheSyncFlow.Value(CacheSyncFlow.Format.HASH, List.of("id")),
                CacheSyncFlow.Deletes.DELETE, Optional.empty(), CacheSyncFlow.Reconcile.DEFAULT);
    }

    private static Map<String, String> properties(CacheSyncFlow flow) {
        SourceDb source = SourceDb.of(flow.source(), ENGINE_DB);
        String ident = SyncConnector.identifier(CONFIG.slotPrefix() + flow.id().name());
        Map<String, String> p = new HashMap<>();
        DebeziumProperties.of(SyncConnector.config(flow, CONFIG, ENGINE_DB, source, ident))
                .forEach((k, v) -> p.put((String) k, (String) v));
        return p;
    }

    private static Map<String, String> common() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "sagaflow-cachesync-sagaflow_cs_products_cache");
        p.put("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.put("offset.storage.jdbc.connection.url", "jdbc:postgresql://127.0.0.1:5432/sagaflow");
        p.put("offset.storage.jdbc.connection.user", "postgres");
        p.put("offset.storage.jdbc.connection.password", "unused");
        p.put("offset.storage.jdbc.table.name", "sagaflow_cs_products_cache_offsets");
        p.put("offset.flush.interval.ms", "1000");
        p.put("poll.interval.ms", "10");
        p.put("topic.prefix", "sagaflow_cs_products_cache");
        p.put("snapshot.mode", "initial");
        p.put("decimal.handling.mode", "string");
        p.put("tombstones.on.delete", "false");
        p.put("errors.max.retries", "-1");
        return p;
    }

    @Test
    void aPostgresSyncOfTheEngineDatabaseSnapshotsThenStreamsThroughItsOwnSlot() {
        Map<String, String> expected = common();
        expected.put("database.hostname", "127.0.0.1");
        expected.put("database.port", "5432");
        expected.put("database.user", "postgres");
        expected.put("database.password", "");
        expected.put("table.include.list", "public.products");
        expected.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        expected.put("database.dbname", "sagaflow");
        expected.put("plugin.name", "pgoutput");
        expected.put("slot.name", "sagaflow_cs_products_cache");
        expected.put("publication.name", "sagaflow_cs_products_cache");
        expected.put("publication.autocreate.mode", "filtered");
        expected.put("offset.mismatch.strategy", "trust_slot");

        assertThat(properties(flow(CacheSyncFlow.Database.POSTGRES, Optional.empty(),
                new CacheSyncFlow.TableName("public", "products")))).isEqualTo(expected);
    }

    @Test
    void aMariaDbSyncReadsTheBinlogWithItsSchemaHistoryInTheEngineDatabase() {
        Map<String, String> expected = common();
        expected.put("database.hostname", "127.0.0.1");
        expected.put("database.port", "3306");
        expected.put("database.user", "root");
        expected.put("database.password", "");
        expected.put("table.include.list", "shop.products");
        expected.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        expected.put("database.server.id",
                String.valueOf(100_000 + Math.floorMod("sagaflow_cs_products_cache".hashCode(), 1_000_000)));
        expected.put("database.include.list", "shop");
        expected.put("database.ssl.mode", "disable");
        expected.put("snapshot.locking.mode", "none");
        expected.put("include.schema.changes", "false");
        expected.put("schema.history.internal", "io.debezium.storage.jdbc.history.JdbcSchemaHistory");
        expected.put("schema.history.internal.jdbc.connection.url", "jdbc:postgresql://127.0.0.1:5432/sagaflow");
        expected.put("schema.history.internal.jdbc.connection.user", "postgres");
        expected.put("schema.history.internal.jdbc.connection.password", "unused");
        expected.put("schema.history.internal.jdbc.schema.history.table.name", "sagaflow_cs_products_cache_history");
        expected.put("schema.history.internal.store.only.captured.tables.ddl", "true");

        assertThat(properties(flow(CacheSyncFlow.Database.MARIADB, Optional.of(URI.create("mariadb://127.0.0.1/shop")),
                new CacheSyncFlow.TableName("shop", "products")))).isEqualTo(expected);
    }
}
