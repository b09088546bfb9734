package io.sagaflow.dsl.model;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code kind: CacheSync} document (SPEC §3.4): the rows of one table kept in Redis from the database's change
 * stream, one key per row.
 *
 * @param ttl       expiry set on every key written; keys never expire when empty
 * @param reconcile how often the whole table is compared with Redis and drift repaired
 */
public record CacheSyncFlow(FlowId id, Source source, KeyTemplate key, Value value, Deletes deletes,
                            Optional<Duration> ttl, Reconcile reconcile) implements FlowDocument {

    public CacheSyncFlow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(deletes, "deletes");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(reconcile, "reconcile");
        if (ttl.isPresent() && (ttl.get().isNegative() || ttl.get().isZero())) {
            throw new IllegalArgumentException("ttl must be > 0, was " + ttl.get());
        }
    }

    @Override
    public Kind kind() {
        return Kind.CACHE_SYNC;
    }

    /** The databases a change stream is read from. */
    public enum Database {
        POSTGRES("postgres", "postgresql"), MARIADB("mariadb", "mariadb");

        private final String yamlName;
        private final String urlScheme;

        Database(String yamlName, String urlScheme) {
            this.yamlName = yamlName;
            this.urlScheme = urlScheme;
        }

        /** The key under {@code source}. */
        public String yamlName() {
            return yamlName;
        }

        /** The scheme of its URLs: {@code postgresql://}, {@code mariadb://}. */
        public String urlScheme() {
            return urlScheme;
        }
    }

    /**
     * Where rows come from.
     *
     * @param url         the database; when empty (PostgreSQL only) the engine's own database
     * @param passwordEnv the environment variable holding the password
     */
    public record Source(Database database, Optional<URI> url, Optional<String> user, Optional<String> passwordEnv,
                         TableName table) {
        public Source {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(passwordEnv, "passwordEnv");
            Objects.requireNonNull(table, "table");
            if (database == Database.MARIADB && url.isEmpty()) {
                throw new IllegalArgumentException("a mariadb source needs a url: the engine's own database is PostgreSQL");
            }
            url.filter(u -> !database.urlScheme().equals(u.getScheme())).ifPresent(u -> {
                throw new IllegalArgumentException("a " + database.yamlName() + " url starts with "
                        + database.urlScheme() + "://, was " + u);
            });
        }
    }

    /**
     * A qualified table: {@code schema.table} in PostgreSQL, {@code database.table} in MariaDB.
     *
     * @param qualifier the schema (PostgreSQL) or database (MariaDB)
     */
    public record TableName(String qualifier, String name) {
        public TableName {
            Objects.requireNonNull(qualifier, "qualifier");
            Objects.requireNonNull(name, "name");
            if (!KeyTemplate.COLUMN.matcher(qualifier).matches() || !KeyTemplate.COLUMN.matcher(name).matches()) {
                throw new IllegalArgumentException("table must be two plain identifiers, was " + qualifier + "." + name);
            }
        }

        @Override
        public String toString() {
            return qualifier + "." + name;
        }
    }

    /** How a row is stored under its key. */
    public enum Format {
        /** A Redis hash, one field per column. */
        HASH,
        /** A string holding one JSON object of the columns. */
        JSON;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The columns stored, and how. */
    public record Value(Format format, List<String> columns) {
        public Value {
            Objects.requireNonNull(format, "format");
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("value." + format.yamlName() + " must list at least one column");
            }
            if (new HashSet<>(columns).size() != columns.size()) {
                throw new IllegalArgumentException("value." + format.yamlName() + " lists a column twice: " + columns);
            }
            for (String c : columns) {
                if (!KeyTemplate.COLUMN.matcher(c).matches()) {
                    throw new IllegalArgumentException("'" + c + "' is not a column name");
                }
            }
        }
    }

    /** What a deleted row does to its key. Only one policy so far; the key keeps room for others (e.g. keep). */
    public enum Deletes {
        /** The key is deleted. */
        DELETE;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A full comparison of table and Redis, every {@code every}. */
    public record Reconcile(Duration every) {

        public static final Reconcile DEFAULT = new Reconcile(Duration.ofMinutes(10));

        public Reconcile {
            Objects.requireNonNull(every, "every");
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("reconcile.every must be > 0, was " + every);
            }
        }
    }
}
