package io.sagaflow.connectors.cachesync;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.KeyTemplate;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the table with Redis page by page and repairs drift. The order of reads makes repairs safe while the
 * stream keeps applying changes: for each page, Redis (value and stored position) is read first, then the rows
 * that differ are read again from the database; a repair is a compare-and-set on the stored position, so it only
 * lands when the stream did not touch the key in between, and it writes a row state at least as new as what
 * Redis held. Pass 1 walks the table by primary key (missing and stale keys); pass 2 SCANs the keys of the
 * template's prefix and deletes those whose row no longer exists (extra).
 */
final class Reconciler {

    record Result(Instant at, long rows, long missing, long stale, long extra) {
    }

    private final CacheSyncFlow flow;
    private final SourceDb source;
    private final RowCodec codec;
    private final RedisApplier applier;
    private final int pageSize;
    private final boolean hash;
    private final String internalPrefix;

    Reconciler(CacheSyncFlow flow, SourceDb source, RowCodec codec, RedisApplier applier, SagaflowConfig.CacheSync config) {
        this.flow = flow;
        this.source = source;
        this.codec = codec;
        this.applier = applier;
        this.pageSize = config.reconcilePageSize();
        this.hash = flow.value().format() == CacheSyncFlow.Format.HASH;
        this.internalPrefix = config.redisPrefix();
    }

    Result run() throws Exception {
        Instant at = Instant.now();
        long rows = 0;
        long missing = 0;
        long stale = 0;
        long extra = 0;
        Set<String> seen = new HashSet<>();
        try (Connection c = source.connect()) {
            String table = qualified(flow.source().table());
            List<String> pk = primaryKey(c);
            List<String> columns = new ArrayList<>(new LinkedHashSet<>(concat(pk, flow.key().columns(), flow.value().columns())));
            String select = "SELECT " + String.join(", ", columns) + " FROM " + table;
            String order = " ORDER BY " + String.join(", ", pk);
            String keysetWhere = " WHERE (" + String.join(", ", pk) + ") > (" + String.join(", ", pk.stream().map(x -> "?").toList()) + ")";
            String byPk = select + " WHERE " + String.join(" AND ", pk.stream().map(x -> x + " = ?").toList());
            List<Object> last = null;
            while (true) {
                List<Map<String, Object>> page = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement(select + (last == null ? "" : keysetWhere) + order
                        + " LIMIT " + pageSize)) {
                    if (last != null) {
                        for (int i = 0; i < last.size(); i++) {
                            st.setObject(i + 1, last.get(i));
                        }
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            page.add(read(rs));
                        }
                    }
                }
                if (page.isEmpty()) {
                    break;
                }
                rows += page.size();
                Map<String, Object> lastRow = page.get(page.size() - 1);
                last = pk.stream().map(lastRow::get).toList();
                List<String> keys = page.stream().map(codec::key).toList();
                seen.addAll(keys);
                List<RedisState> states = readRedis(keys);          // Redis first ...
                List<RedisApplier.Change> repairs = new ArrayList<>();
                for (int i = 0; i < page.size(); i++) {
                    Map<String, Object> row = page.get(i);
                    RedisState s = states.get(i);
                    if (s.value() != null && s.value().equals(codec.expected(row))) {
                        continue;
                    }
                    Map<String, Object> fresh = reread(c, byPk, pk, row);   // ... then the database again
                    if (fresh == null) {
                        continue;   // deleted meanwhile: pass 2 or the stream takes care of the key
                    }
                    String key = codec.key(fresh);
                    if (!key.equals(keys.get(i))) {
                        continue;   // key columns changed meanwhile
                    }
                    if (s.value() != null && s.value().equals(codec.expected(fresh))) {
                        continue;
                    }
                    if (s.value() == null) {
                        missing++;
                    } else {
                        stale++;
                    }
                    repairs.add(new RedisApplier.Change('U', key, s.position() == null ? "" : s.position(), codec.value(fresh)));
                }
                applier.apply(repairs);
                if (page.size() < pageSize) {
                    break;
                }
            }
            extra = removeExtra(c, seen);
        }
        return new Result(at, rows, missing, stale, extra);
    }

    /** Pass 2: keys under the template's prefix without a row. */
    private long removeExtra(Connection c, Set<String> seen) throws Exception {
        String text = flow.key().text();
        String literalPrefix = text.substring(0, text.indexOf("${"));
        Pattern parse = keyPattern(flow.key());
        List<String> keyColumns = flow.key().columns();
        String select = "SELECT 1 FROM " + qualified(flow.source().table()) + " WHERE "
                + String.join(" AND ", keyColumns.stream().map(x -> x + " = ?").toList()) + " LIMIT 1";
        long extra = 0;
        String cursor = "0";
        do {
            Response r = applier.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(glob(literalPrefix) + "*")
                    .arg("COUNT").arg(pageSize));
            cursor = r.get(0).toString();
            List<String> candidates = new ArrayList<>();
            for (Response k : r.get(1)) {
                String key = k.toString();
                if (!seen.contains(key) && !key.startsWith(internalPrefix) && parse.matcher(key).matches()) {
                    candidates.add(key);
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            List<RedisState> states = readRedis(candidates);        // Redis first, then the database
            List<RedisApplier.Change> deletes = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                if (states.get(i).value() == null) {
                    continue;
                }
                Matcher m = parse.matcher(candidates.get(i));
                m.matches();
                boolean exists;
                try (PreparedStatement st = c.prepareStatement(select)) {
                    for (int j = 0; j < keyColumns.size(); j++) {
                        st.setString(j + 1, m.group(j + 1));
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        exists = rs.next();
                    }
                } catch (SQLException e) {
                    // e.g. a text that is not a number for a numeric column: not one of ours
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                    continue;
                }
                if (!exists) {
                    extra++;
                    String pos = states.get(i).position();
                    deletes.add(new RedisApplier.Change('D', candidates.get(i), pos == null ? "" : pos, List.of()));
                }
            }
            applier.apply(deletes);
        } while (!"0".equals(cursor));
        return extra;
    }

    private record RedisState(Object value, String position) {
    }

    private List<RedisState> readRedis(List<String> keys) throws Exception {
        List<Request> calls = new ArrayList<>(keys.size() * 2);
        String posKey = applierPosKey();
        for (String k : keys) {
            calls.add(hash ? Request.cmd(Command.HGETALL).arg(k) : Request.cmd(Command.GET).arg(k));
            calls.add(Request.cmd(Command.HGET).arg(posKey).arg(k));
        }
        List<Response> answers = applier.send(calls);
        List<RedisState> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Response v = answers.get(2 * i);
            Response p = answers.get(2 * i + 1);
            Object value = null;
            if (v != null) {
                if (hash) {
                    if (v.size() > 0) {
                        Map<String, String> m = new LinkedHashMap<>();
                        for (String f : v.getKeys()) {
                            m.put(f, v.get(f).toString());
                        }
                        value = m;
                    }
                } else {
                    value = v.toString();
                }
            }
            out.add(new RedisState(value, p == null ? null : p.toString()));
        }
        return out;
    }

    private String applierPosKey() {
        return internalPrefix + flow.id().name() + ":pos";
    }

    private Map<String, Object> reread(Connection c, String byPk, List<String> pk, Map<String, Object> row) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(byPk)) {
            for (int i = 0; i < pk.size(); i++) {
                st.setObject(i + 1, row.get(pk.get(i)));
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static Map<String, Object> read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> m = new HashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            m.put(md.getColumnLabel(i), rs.getObject(i));
        }
        return m;
    }

    private List<String> primaryKey(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        CacheSyncFlow.TableName t = flow.source().table();
        Map<Integer, String> cols = new java.util.TreeMap<>();
        try (ResultSet rs = source.postgres() ? md.getPrimaryKeys(null, t.qualifier(), t.name())
                : md.getPrimaryKeys(t.qualifier(), null, t.name())) {
            while (rs.next()) {
                cols.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        if (cols.isEmpty()) {
            return flow.key().columns().stream().distinct().toList();   // no primary key: page by the key's columns
        }
        return new ArrayList<>(cols.values());
    }

    private String qualified(CacheSyncFlow.TableName t) {
        return source.postgres() ? t.qualifier() + "." + t.name() : "`" + t.qualifier() + "`.`" + t.name() + "`";
    }

    /** A regular expression that takes a key of this template apart into its columns' texts. */
    static Pattern keyPattern(KeyTemplate template) {
        Matcher m = KeyTemplate.PLACEHOLDER.matcher(template.text());
        StringBuilder re = new StringBuilder();
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(template.text().substring(at, m.start()))).append("(.*?)");
            at = m.end();
        }
        re.append(Pattern.quote(template.text().substring(at)));
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static String glob(String literal) {
        return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        out.removeIf(Objects::isNull);
        return out;
    }
}
