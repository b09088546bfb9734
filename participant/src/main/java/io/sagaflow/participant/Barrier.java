package io.sagaflow.participant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The barrier table, {@code sagaflow_barrier}, in the participant's own database. Its DDL ships as the resource
 * {@code sagaflow-barrier.sql}; copy it into your migrations or call {@link #createTable(Connection)}.
 * {@link JdbcBarrier} and {@link ReactiveBarrier} implement the same rules on it.
 */
public final class Barrier {

    /** The table's name. */
    public static final String TABLE = "sagaflow_barrier";
    /** The classpath resource holding the DDL. */
    public static final String DDL_RESOURCE = "/sagaflow-barrier.sql";

    private Barrier() {
    }

    /** The DDL ({@code CREATE TABLE IF NOT EXISTS}, so it can run at every start). */
    public static String ddl() {
        return resource(DDL_RESOURCE);
    }

    /** Creates the table if it does not exist yet. */
    public static void createTable(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(ddl());
        }
    }

    static String resource(String name) {
        try (InputStream in = Barrier.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the participant SDK jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
