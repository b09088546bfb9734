package io.sagaflow.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.cdc.CdcConfig;
import io.sagaflow.cdc.JdbcTable;
import io.sagaflow.cdc.OffsetStore;
import io.sagaflow.cdc.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine properties per source kind: what each of the three users ran with before the runner existed. */
class DebeziumPropertiesTest {

    private static final String ENGINE_DB = "jdbc:postgresql://127.0.0.1:5432/sagaflow";

    private static Map<String, String> of(CdcConfig config) {
        Map<String, String> m = new HashMap<>();
        DebeziumProperties.of(config).forEach((k, v) -> m.put((String) k, (String) v));
        return m;
    }

    @Test
    void anOutboxOnPostgresReadsOnlyNewRowsThroughASlotCreatedUpFront() {
        CdcConfig config = new CdcConfig("sagaflow-local-outbox-orders_slot", "sagaflow-local",
                new Source.Postgres("db.local", 5433, "orders", "app", "", "orders_slot", "orders_pub",
                        Source.Publication.CREATED_UP_FRONT),
                "public.sagaflow_local_outbox", CdcConfig.SnapshotMode.NO_DATA,
                new OffsetStore.Jdbc(new JdbcTable("jdbc:postgresql://db.local:5433/orders", "app", "", "offsets")),
                Duration.ofMillis(10), Duration.ofSeconds(1), Map.of());

        assertThat(of(config)).isEqualTo(Map.ofEntries(
                Map.entry("name", "sagaflow-local-outbox-orders_slot"),
                Map.entry("connector.class", "io.debezium.connector.postgresql.PostgresConnector"),
                Map.entry("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore"),
                Map.entry("offset.storage.jdbc.connection.url", "jdbc:postgresql://db.local:5433/orders"),
                Map.entry("offset.storage.jdbc.connection.user", "app"),
                Map.entry("offset.storage.jdbc.connection.password", "unused"),
                Map.entry("offset.storage.jdbc.table.name", "offsets"),
                Map.entry("offset.flush.interval.ms", "1000"),
                Map.entry("database.hostname", "db.local"),
                Map.entry("database.port", "5433"),
                Map.entry("database.user", "app"),
                Map.entry("database.password", ""),
                Map.entry("database.dbname", "orders"),
                Map.entry("topic.prefix", "sagaflow-local"),
                Map.entry("plugin.name", "pgoutput"),
                Map.entry("slot.name", "orders_slot"),
                Map.entry("publication.name", "orders_pub"),
                Map.entry("publication.autocreate.mode", "disabled"),
                Map.entry("offset.mismatch.strategy", "trust_slot"),
                Map.entry("table.include.list", "public.sagaflow_local_outbox"),
                Map.entry("snapshot.mode", "no_data"),
                Map.entry("poll.interval.ms", "10")));
    }

    @Test
    void aTableCacheOnPostgresSnapshotsFirstAndLetsDebeziumCreateItsPublication() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("decimal.handling.mode", "string");
        CdcConfig config = new CdcConfig("sagaflow-cachesync-cs_products", "cs_products",
                new Source.Postgres("127.0.0.1", 5432, "sagaflow", "postgres", "secret", "cs_products", "cs_products",
                        Source.Publication.BY_DEBEZIUM),
                "public.products", CdcConfig.SnapshotMode.INITIAL,
                new OffsetStore.Jdbc(new JdbcTable(ENGINE_DB, "postgres", "secret", "cs_products_offsets")),
                Duration.ofMillis(10), Duration.ofSeconds(1), extra);

        Map<String, String> p = of(config);
        assertThat(p).containsEntry("snapshot.mode", "initial")
                .containsEntry("publication.autocreate.mode", "filtered")
                .containsEntry("offset.storage.jdbc.connection.password", "secret")
                .containsEntry("database.password", "secret")
                .containsEntry("decimal.handling.mode", "string")
                .doesNotContainKeys("database.server.id", "schema.history.internal");
    }

    @Test
    void mariaDbReadsTheBinlogWithAServerIdAndASchemaHistoryInTheEngineDatabase() {
        CdcConfig config = new CdcConfig("sagaflow-cachesync-cs_shop", "cs_shop",
                new Source.MariaDb("127.0.0.1", 3306, "root", "", 123_456, "shop",
                        new JdbcTable(ENGINE_DB, "postgres", "", "cs_shop_history")),
                "shop.products", CdcConfig.SnapshotMode.INITIAL,
                new OffsetStore.Jdbc(new JdbcTable(ENGINE_DB, "postgres", "", "cs_shop_offsets")),
                Duration.ofMillis(10), Duration.ofSeconds(1), Map.of());

        Map<String, String> p = of(config);
        assertThat(p).containsEntry("connector.class", "io.debezium.connector.mariadb.MariaDbConnector")
                .containsEntry("database.server.id", "123456")
                .containsEntry("database.include.list", "shop")
                .containsEntry("database.ssl.mode", "disable")
                .containsEntry("snapshot.locking.mode", "none")
                .containsEntry("include.schema.changes", "false")
                .containsEntry("schema.history.internal", "io.debezium.storage.jdbc.history.JdbcSchemaHistory")
                .containsEntry("schema.history.internal.jdbc.connection.url", ENGINE_DB)
                .containsEntry("schema.history.internal.jdbc.connection.user", "postgres")
                .containsEntry("schema.history.internal.jdbc.connection.password", "unused")
                .containsEntry("schema.history.internal.jdbc.schema.history.table.name", "cs_shop_history")
                .containsEntry("schema.history.internal.store.only.captured.tables.ddl", "true")
                .doesNotContainKeys("slot.name", "publication.name", "plugin.name", "database.dbname");
    }

    @Test
    void aFileOffsetStoreKeepsThePositionInALocalFile() {
        CdcConfig config = new CdcConfig("local", "local",
                new Source.Postgres("h", 5432, "d", "u", "p", "s", "p", Source.Publication.CREATED_UP_FRONT),
                "public.t", CdcConfig.SnapshotMode.NO_DATA, new OffsetStore.File(Path.of("/var/lib/relay/offsets.dat")),
                Duration.ofMillis(500), Duration.ofSeconds(60), Map.of());

        assertThat(of(config)).containsEntry("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore")
                .containsEntry("offset.storage.file.filename", "/var/lib/relay/offsets.dat")
                .doesNotContainKey("offset.storage.jdbc.connection.url");
    }

    @Test
    void anExtraPropertyMayNotSilentlyOverrideWhatTheConfigSays() {
        CdcConfig config = new CdcConfig("n", "t",
                new Source.Postgres("h", 5432, "d", "u", "p", "s", "p", Source.Publication.CREATED_UP_FRONT),
                "public.t", CdcConfig.SnapshotMode.NO_DATA, new OffsetStore.File(Path.of("o")),
                Duration.ofMillis(10), Duration.ofSeconds(1), Map.of("slot.name", "other"));

        assertThatThrownBy(() -> DebeziumProperties.of(config))
                .hasMessage("cdc extra property slot.name is set by the runner from the config (s); set it there instead");
    }
}
