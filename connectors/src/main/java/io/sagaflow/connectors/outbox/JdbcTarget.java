package io.sagaflow.connectors.outbox;

import java.net.URI;

/** Host, port and database of a {@code jdbc:postgresql://host:port/db} URL, as Debezium wants them apart. */
public record JdbcTarget(String jdbcUrl, String host, int port, String database, String user, String password) {

    public static JdbcTarget parse(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("expected a jdbc:postgresql:// URL, was " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new JdbcTarget(jdbcUrl, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user,
                password == null ? "" : password);
    }
}
