package io.sagaflow.participant;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database on the machine's PostgreSQL (127.0.0.1:5432), dropped on close. */
final class TestDatabase implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5432;
    static final String USER = "postgres";
    static final String ADMIN_URL = "jdbc:postgresql://" + HOST + ":" + PORT + "/postgres";

    final String name = "sagaflow_sdk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String url = "jdbc:postgresql://" + HOST + ":" + PORT + "/" + name;

    TestDatabase() {
        admin("CREATE DATABASE " + name);
    }

    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(USER);
        return ds;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, USER, "");
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    long count(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Sessions of this database waiting for a lock (a check-back or duplicate blocked on a row). */
    long waitingOnLocks() {
        return count("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + name
                + "' AND wait_event_type = 'Lock'");
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, ""); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
