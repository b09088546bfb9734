package io.sagaflow.engine.internal;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Optional;
import java.util.function.Function;

/**
 * The query behind every newest-first list: {@code SELECT columns FROM table WHERE filters AND (created_at, id) <
 * cursor ORDER BY created_at DESC, id DESC LIMIT page + 1}, with every value bound as a parameter. The tables it reads
 * have an index on {@code (created_at, id)}, so a page costs the same at any depth. Table and column names are ours,
 * never a client's.
 */
public final class ListQuery {

    private final StringBuilder sql;
    private final Tuple params = Tuple.tuple();

    private ListQuery(String table, String columns) {
        this.sql = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(table).append(" WHERE TRUE");
    }

    /** A list of {@code table}, reading {@code columns} (an SQL select list of ours). */
    public static ListQuery newestFirst(String table, String columns) {
        return new ListQuery(table, columns);
    }

    /** Keeps rows whose {@code column} equals the value, when there is one. */
    public ListQuery equal(String column, Optional<?> value) {
        value.ifPresent(v -> sql.append(" AND ").append(column).append(" = $").append(params.addValue(v).size()));
        return this;
    }

    /** Keeps rows matching a condition that binds its own values into the parameters it is given. */
    public ListQuery and(Function<Tuple, String> condition) {
        sql.append(" AND (").append(condition.apply(params)).append(")");
        return this;
    }

    /** Runs the query for one page: the rows of the page and, if there are more, one row beyond it. */
    public Uni<RowSet<Row>> fetch(SqlClient client, PageRequest page) {
        page.appendTo(sql, params);
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT $").append(params.addValue(page.fetchSize()).size());
        return client.preparedQuery(sql.toString()).execute(params);
    }

    /** The SQL as it stands (for tests and logs). */
    String sql() {
        return sql.toString();
    }
}
