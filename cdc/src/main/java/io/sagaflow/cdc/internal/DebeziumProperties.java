package io.sagaflow.cdc.internal;

import io.sagaflow.cdc.CdcConfig;
import io.sagaflow.cdc.JdbcTable;
import io.sagaflow.cdc.OffsetStore;
import io.sagaflow.cdc.Source;
import java.util.Properties;

/** The Debezium embedded engine's properties for a {@link CdcConfig}: a pure function, one place per source kind. */
public final class DebeziumProperties {

    private DebeziumProperties() {
    }

    /** Every property the engine runs with, the caller's {@code extra} last. */
    public static Properties of(CdcConfig config) {
        Properties p = new Properties();
        p.setProperty("name", config.name());
        offsets(p, config.offsets());
        p.setProperty("offset.flush.interval.ms", String.valueOf(config.offsetFlush().toMillis()));
        p.setProperty("poll.interval.ms", String.valueOf(config.pollInterval().toMillis()));
        p.setProperty("topic.prefix", config.topicPrefix());
        Source source = config.source();
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", String.valueOf(source.port()));
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password());
        p.setProperty("table.include.list", config.tables());
        p.setProperty("snapshot.mode", config.snapshot().value());
        if (source instanceof Source.Postgres pg) {
            postgres(p, pg);
        } else if (source instanceof Source.MariaDb maria) {
            mariaDb(p, maria);
        }
        config.extra().forEach((key, value) -> {
            if (p.containsKey(key)) {
                throw new IllegalArgumentException("cdc extra property " + key + " is set by the runner from the "
                        + "config (" + p.getProperty(key) + "); set it there instead");
            }
            p.setProperty(key, value);
        });
        return p;
    }

    private static void offsets(Properties p, OffsetStore store) {
        if (store instanceof OffsetStore.Jdbc jdbc) {
            p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
            JdbcTable t = jdbc.table();
            p.setProperty("offset.storage.jdbc.connection.url", t.url());
            p.setProperty("offset.storage.jdbc.connection.user", t.user());
            p.setProperty("offset.storage.jdbc.connection.password", password(t));
            p.setProperty("offset.storage.jdbc.table.name", t.table());
        } else if (store instanceof OffsetStore.File file) {
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            p.setProperty("offset.storage.file.filename", file.path().toString());
        }
    }

    private static void postgres(Properties p, Source.Postgres pg) {
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.dbname", pg.database());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", pg.slot());
        p.setProperty("publication.name", pg.publication());
        p.setProperty("publication.autocreate.mode", pg.publicationBy().autocreateMode());
        // The slot can end up ahead of the stored offset: Debezium confirms to the server the position of every
        // record marked processed, also of those whose offsets were not stored yet (the store is written before,
        // the confirmation sent after, and a database restart can fall in between). By default a restart then
        // refuses to stream ("Last recorded offset is no longer available on the server") and the change stream
        // stops for good. The slot only ever confirms records that were handled, so resuming from it skips nothing
        // unhandled. ('trust_greater_lsn' would say the same, but Debezium 3.5 then also tries to move the slot
        // back to the offset, which PostgreSQL refuses.)
        p.setProperty("offset.mismatch.strategy", "trust_slot");
    }

    private static void mariaDb(Properties p, Source.MariaDb maria) {
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("database.server.id", String.valueOf(maria.serverId()));
        p.setProperty("database.include.list", maria.databases());
        p.setProperty("database.ssl.mode", "disable");
        // The first start would otherwise take a global read lock on the source for the snapshot.
        p.setProperty("snapshot.locking.mode", "none");
        p.setProperty("include.schema.changes", "false");
        JdbcTable h = maria.history();
        p.setProperty("schema.history.internal", "io.debezium.storage.jdbc.history.JdbcSchemaHistory");
        p.setProperty("schema.history.internal.jdbc.connection.url", h.url());
        p.setProperty("schema.history.internal.jdbc.connection.user", h.user());
        p.setProperty("schema.history.internal.jdbc.connection.password", password(h));
        p.setProperty("schema.history.internal.jdbc.schema.history.table.name", h.table());
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
    }

    /** Debezium's JDBC stores refuse an empty password even under trust authentication. */
    private static String password(JdbcTable t) {
        return t.password().isEmpty() ? "unused" : t.password();
    }
}
