package io.sagaflow.connectors.cachesync;

import io.sagaflow.connectors.outbox.JdbcTarget;
import io.sagaflow.dsl.model.CacheSyncFlow;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where a sync reads rows from: the document's {@code url} with its user and password, or (PostgreSQL without a
 * url) the engine's own database.
 */
record SourceDb(CacheSyncFlow.Database kind, String host, int port, String database, String user, String password) {

    static SourceDb of(CacheSyncFlow.Source source, JdbcTarget engineDb) {
        if (source.url().isEmpty()) {
            return new SourceDb(source.database(), engineDb.host(), engineDb.port(), engineDb.database(),
                    source.user().orElse(engineDb.user()),
                    source.passwordEnv().map(SourceDb::env).orElse(engineDb.password()));
        }
        URI url = source.url().get();
        boolean pg = source.database() == CacheSyncFlow.Database.POSTGRES;
        String db = url.getPath() == null || url.getPath().length() <= 1 ? (pg ? "postgres" : "")
                : url.getPath().substring(1);
        if (!pg && db.isEmpty()) {
            db = source.table().qualifier();
        }
        String user = source.user().orElse(url.getUserInfo() != null ? url.getUserInfo().split(":")[0] : (pg ? "postgres" : "root"));
        String password = source.passwordEnv().map(SourceDb::env).orElse("");
        return new SourceDb(source.database(), url.getHost(), url.getPort() > 0 ? url.getPort() : (pg ? 5432 : 3306),
                db, user, password);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? System.getProperty(name, "") : v;
    }

    boolean postgres() {
        return kind == CacheSyncFlow.Database.POSTGRES;
    }

    String jdbcUrl() {
        return postgres() ? "jdbc:postgresql://" + host + ":" + port + "/" + database + "?stringtype=unspecified"
                : "jdbc:mariadb://" + host + ":" + port + "/" + database;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** e.g. postgresql://127.0.0.1:5432/shop (no credentials), for the API. */
    String describe() {
        return kind.urlScheme() + "://" + host + ":" + port + "/" + database;
    }
}
