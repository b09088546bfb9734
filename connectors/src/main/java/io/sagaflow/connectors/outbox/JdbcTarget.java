package io.sagaflow.connectors.outbox;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Host, port and database of a {@code jdbc:postgresql://host:port/db} URL, as Debezium wants them apart, and the
 * URL's TLS parameters ({@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code sslkey}, {@code sslpassword}),
 * so that the change stream connects as securely as the engine's own JDBC connections.
 */
public record JdbcTarget(String jdbcUrl, String host, int port, String database, String user, String password,
                         Map<String, String> ssl) {

    private static final java.util.List<String> SSL_PARAMETERS = java.util.List.of("sslmode", "sslrootcert", "sslcert",
            "sslkey", "sslpassword");

    public JdbcTarget {
        ssl = Map.copyOf(ssl);
    }

    public static JdbcTarget parse(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("expected a jdbc:postgresql:// URL, was " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        Map<String, String> ssl = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (SSL_PARAMETERS.contains(key) && eq > 0) {
                    ssl.put(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return new JdbcTarget(jdbcUrl, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user,
                password == null ? "" : password, ssl);
    }

    /** The TLS parameters as the Debezium PostgreSQL connector names them ({@code database.sslmode}, ...). */
    public Map<String, String> debeziumSsl() {
        Map<String, String> out = new LinkedHashMap<>();
        ssl.forEach((k, v) -> out.put("database." + k, v));
        return out;
    }
}
