package io.sagaflow.connectors.cachesync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.dsl.model.CacheSyncFlow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a row becomes a key and a value. The change stream and the reconcile (JDBC) both go through here, so the
 * same row always renders to the same bytes: numbers and booleans keep their type in JSON, everything else is
 * its text; decimals arrive from Debezium as text ({@code decimal.handling.mode=string}) and from JDBC as
 * {@link BigDecimal}, both rendered as the plain string.
 */
final class RowCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CacheSyncFlow flow;

    RowCodec(CacheSyncFlow flow) {
        this.flow = flow;
    }

    String key(Map<String, Object> row) {
        return flow.key().render(c -> text(row.get(c)));
    }

    /** Whether every column of the key template has a value in the row (a PostgreSQL delete carries only the key). */
    boolean hasKey(Map<String, Object> row) {
        for (String c : flow.key().columns()) {
            if (row.get(c) == null) {
                return false;
            }
        }
        return true;
    }

    /** The value's arguments for the Lua script: field, value, field, value... (hash) or one JSON string. */
    List<String> value(Map<String, Object> row) {
        List<String> out = new ArrayList<>();
        if (flow.value().format() == CacheSyncFlow.Format.HASH) {
            for (String c : flow.value().columns()) {
                Object v = row.get(c);
                if (v != null) {
                    out.add(c);
                    out.add(text(v));
                }
            }
        } else {
            out.add(json(row));
        }
        return out;
    }

    /** The value as Redis should hold it: a field map for a hash, the JSON text for a string. */
    Object expected(Map<String, Object> row) {
        if (flow.value().format() == CacheSyncFlow.Format.HASH) {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            List<String> kv = value(row);
            for (int i = 0; i < kv.size(); i += 2) {
                m.put(kv.get(i), kv.get(i + 1));
            }
            return m;
        }
        return json(row);
    }

    String json(Map<String, Object> row) {
        ObjectNode o = JSON.createObjectNode();
        for (String c : flow.value().columns()) {
            Object v = normalize(row.get(c));
            if (v == null) {
                o.putNull(c);
            } else if (v instanceof Long l) {
                o.put(c, l);
            } else if (v instanceof Double d) {
                o.put(c, d);
            } else if (v instanceof Boolean b) {
                o.put(c, b);
            } else {
                o.put(c, v.toString());
            }
        }
        return o.toString();
    }

    static String text(Object v) {
        Object n = normalize(v);
        return n == null ? "" : n.toString();
    }

    /** One Java type per kind of value, whoever read it. */
    static Object normalize(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float || v instanceof Double) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.toString();
        }
        if (v instanceof Boolean) {
            return v;
        }
        if (v instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof java.nio.ByteBuffer bb) {
            byte[] bytes = new byte[bb.remaining()];
            bb.duplicate().get(bytes);
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        return v.toString();
    }
}
