package io.sagaflow.cdc;

import java.util.Objects;
import java.util.regex.Pattern;

/** A database whose change stream the runner reads. */
public sealed interface Source permits Source.Postgres, Source.MariaDb {

    /** The host of the database. */
    String host();

    /** Its port. */
    int port();

    /** The user Debezium connects as. */
    String user();

    /** Its password (may be empty). */
    String password();

    /** Who creates the publication of a PostgreSQL source. */
    enum Publication {
        /**
         * The caller creates slot and publication before it takes work ({@link ReplicationSlots#ensure}), so no row
         * committed before the connector first runs is missed; Debezium must not touch them ({@code disabled}).
         */
        CREATED_UP_FRONT("disabled"),
        /** Debezium creates slot and publication (for the table list) on first start, at its snapshot point. */
        BY_DEBEZIUM("filtered");

        private final String autocreateMode;

        Publication(String autocreateMode) {
            this.autocreateMode = autocreateMode;
        }

        /** Debezium's {@code publication.autocreate.mode}. */
        public String autocreateMode() {
            return autocreateMode;
        }
    }

    /**
     * PostgreSQL read by logical decoding (pgoutput) through a replication slot.
     *
     * @param slot        the replication slot: {@code [a-z0-9_]}, at most 63 characters (PostgreSQL's rule)
     * @param publication the publication: same rule (it is written into SQL as a quoted identifier)
     */
    record Postgres(String host, int port, String database, String user, String password, String slot,
                    String publication, Publication publicationBy) implements Source {

        private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");

        /** Validates the connection, and the slot and publication names. */
        public Postgres {
            CdcConfig.required(host, "postgres host");
            port = Source.port(port);
            CdcConfig.required(database, "postgres database");
            CdcConfig.required(user, "postgres user");
            Objects.requireNonNull(password, "postgres password must not be null (may be empty)");
            slot = name(slot, "slot");
            publication = name(publication, "publication");
            Objects.requireNonNull(publicationBy, "postgres publicationBy must not be null");
        }

        /**
         * A slot or publication name as PostgreSQL accepts it for a replication slot: lower-case letters, digits and
         * underscores, 1 to 63 characters.
         */
        public static String name(String name, String what) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a replication " + what
                        + " name must match [a-z0-9_]{1,63} (PostgreSQL's rule for slots), was " + name);
            }
            return name;
        }
    }

    /**
     * MariaDB read from its row binlog. A binlog reader needs a schema history (the tables' DDL over time) and a
     * server id unique among the server's replicas.
     *
     * @param serverId  Debezium's {@code database.server.id}: unique among every replica of this server
     * @param databases Debezium's {@code database.include.list}
     * @param history   where the schema history is kept
     */
    record MariaDb(String host, int port, String user, String password, long serverId, String databases,
                   JdbcTable history) implements Source {

        /** Validates the connection, the server id and the history store. */
        public MariaDb {
            CdcConfig.required(host, "mariadb host");
            port = Source.port(port);
            CdcConfig.required(user, "mariadb user");
            Objects.requireNonNull(password, "mariadb password must not be null (may be empty)");
            if (serverId < 1 || serverId > 4_294_967_295L) {
                throw new IllegalArgumentException("mariadb serverId must be in 1..2^32-1, was " + serverId);
            }
            CdcConfig.required(databases, "mariadb databases");
            Objects.requireNonNull(history, "mariadb history must not be null");
        }
    }

    private static int port(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("cdc source port must be in 1..65535, was " + port);
        }
        return port;
    }
}
