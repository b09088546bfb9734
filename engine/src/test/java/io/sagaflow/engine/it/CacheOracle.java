package io.sagaflow.engine.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The CacheSync oracle: after quiescence every row's key equals the row and no other key has the prefix. */
final class CacheOracle {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheOracle() {
    }

    interface Connector {
        Connection connect() throws SQLException;
    }

    /** A source table and the sync reading it. */
    record Source(String sync, String keyPrefix, boolean hash, boolean postgres, String table, Connector connector) {
        Connection connect() throws SQLException {
            return connector.connect();
        }
    }

    static void await(Redis redis, Source s, Duration converge) {
        AtomicLong last = new AtomicLong();
        String[] diff = new String[1];
        try {
            org.awaitility.Awaitility.await().atMost(converge).pollInterval(Duration.ofMillis(250)).until(() -> {
                diff[0] = difference(redis, s);
                last.incrementAndGet();
                return diff[0] == null;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("cache of " + s.sync() + " never matched its table: " + diff[0], e);
        }
    }

    /** null when Redis equals the table, else the first differences. */
    static String difference(Redis redis, Source s) throws Exception {
        Map<String, Map<String, String>> expected = new HashMap<>();
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, price, stock FROM " + s.table())) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("id", String.valueOf(rs.getInt(1)));
                putIfNotNull(row, "name", rs.getString(2));
                BigDecimal price = rs.getBigDecimal(3);
                putIfNotNull(row, "price", price == null ? null : price.toPlainString());
                putIfNotNull(row, "stock", rs.getObject(4) == null ? null : String.valueOf(rs.getInt(4)));
                expected.put(s.keyPrefix() + rs.getInt(1), row);
            }
        }
        List<String> keys = keys(redis, s);
        Map<String, Map<String, String>> actual = values(redis, s, keys);
        List<String> problems = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Map<String, String> a = actual.get(e.getKey());
            if (a == null) {
                problems.add("missing " + e.getKey());
            } else if (!a.equals(e.getValue())) {
                problems.add("stale " + e.getKey() + " " + a + " != " + e.getValue());
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                problems.add("extra " + k);
            }
        }
        return problems.isEmpty() ? null : problems.size() + " differences, e.g. " + problems.subList(0, Math.min(5, problems.size()));
    }

    static void putIfNotNull(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    static List<String> keys(Redis redis, Source s) throws Exception {
        List<String> out = new ArrayList<>();
        String cursor = "0";
        do {
            var r = send(redis, Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(s.keyPrefix() + "*").arg("COUNT").arg(1000));
            cursor = r.get(0).toString();
            for (var k : r.get(1)) {
                out.add(k.toString());
            }
        } while (!"0".equals(cursor));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, String>> values(Redis redis, Source s, List<String> keys) throws Exception {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 1000) {
            List<String> part = keys.subList(from, Math.min(keys.size(), from + 1000));
            List<Request> calls = part.stream().map(k -> s.hash() ? Request.cmd(Command.HGETALL).arg(k)
                    : Request.cmd(Command.GET).arg(k)).toList();
            var answers = redis.batch(calls).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < part.size(); i++) {
                var r = answers.get(i);
                if (r == null) {
                    continue;
                }
                Map<String, String> m = new LinkedHashMap<>();
                if (s.hash()) {
                    for (String f : r.getKeys()) {
                        m.put(f, r.get(f).toString());
                    }
                    if (m.isEmpty()) {
                        continue;
                    }
                } else {
                    Map<String, Object> json = JSON.readValue(r.toString(), Map.class);
                    json.forEach((k, v) -> {
                        if (v != null) {
                            m.put(k, v.toString());
                        }
                    });
                }
                out.put(part.get(i), m);
            }
        }
        return out;
    }

    static io.vertx.redis.client.Response send(Redis redis, Request r) throws Exception {
        return redis.send(r).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

}
