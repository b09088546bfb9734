package io.sagaflow.cdc;

import java.util.Objects;

/**
 * A table in a database reached by JDBC, where Debezium keeps its offsets or a schema history (it creates the
 * table).
 *
 * @param password may be empty: the property builder then passes a placeholder, because Debezium's JDBC stores
 *                 refuse an empty password even where the server asks for none (trust authentication)
 */
public record JdbcTable(String url, String user, String password, String table) {

    /** All required; the password may be empty. */
    public JdbcTable {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("a JDBC store's url must start with jdbc:, was " + url);
        }
        CdcConfig.required(user, "jdbc store user");
        Objects.requireNonNull(password, "jdbc store password must not be null (may be empty)");
        CdcConfig.required(table, "jdbc store table");
    }
}
