package io.sagaflow.cdc;

import java.nio.file.Path;
import java.util.Objects;

/** Where a connector commits its position. Any node that may take over must see the same store. */
public sealed interface OffsetStore permits OffsetStore.Jdbc, OffsetStore.File {

    /** A table (Debezium's {@code JdbcOffsetBackingStore}): shared by every node of a database. */
    record Jdbc(JdbcTable table) implements OffsetStore {
        /** The table is required. */
        public Jdbc {
            Objects.requireNonNull(table, "offset table must not be null");
        }
    }

    /** A local file (Kafka Connect's {@code FileOffsetBackingStore}): for a single process. */
    record File(Path path) implements OffsetStore {
        /** The path is required. */
        public File {
            Objects.requireNonNull(path, "offset file must not be null");
        }
    }
}
