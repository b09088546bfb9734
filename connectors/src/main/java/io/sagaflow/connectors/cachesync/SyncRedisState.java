package io.sagaflow.connectors.cachesync;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a sync keeps in Redis besides the cached rows and their positions ({@code <prefix><name>:pos}, kept by
 * {@link RedisApplier}): the marker {@code <prefix><name>:marker}, whose disappearance means Redis lost its data, and
 * the last reconcile's counts in the hash {@code <prefix><name>:status}.
 */
final class SyncRedisState {

    private final RedisApplier redis;
    private final String markerKey;
    private final String statusKey;
    private final String nodeId;
    private String markerValue;

    SyncRedisState(RedisApplier redis, String redisPrefix, String name, String nodeId) {
        this.redis = redis;
        this.markerKey = markerKey(redisPrefix, name);
        this.statusKey = statusKey(redisPrefix, name);
        this.nodeId = nodeId;
    }

    /** The hash of each key's source position, compared by the apply script. */
    static String positionsKey(String redisPrefix, String name) {
        return redisPrefix + name + ":pos";
    }

    private static String markerKey(String redisPrefix, String name) {
        return redisPrefix + name + ":marker";
    }

    private static String statusKey(String redisPrefix, String name) {
        return redisPrefix + name + ":status";
    }

    /** Every key of the sync's own bookkeeping (positions, marker, status), not the cached values. */
    static java.util.List<String> bookkeepingKeys(String redisPrefix, String name) {
        return java.util.List.of(positionsKey(redisPrefix, name), markerKey(redisPrefix, name), statusKey(redisPrefix, name));
    }

    String markerKey() {
        return markerKey;
    }

    /**
     * Writes this owner's marker unless it is there already.
     *
     * @return true when the marker was gone: Redis lost its data (or this is its first owner ever)
     */
    synchronized boolean ensureMarker() throws Exception {
        Response exists = redis.send(Request.cmd(Command.EXISTS).arg(markerKey));
        if (exists != null && exists.toInteger() == 1 && markerValue != null) {
            return false;
        }
        boolean missing = exists == null || exists.toInteger() == 0;
        markerValue = UUID.randomUUID().toString();
        redis.send(Request.cmd(Command.SET).arg(markerKey).arg(nodeId + " " + markerValue));
        return missing;
    }

    /** Keeps a reconcile's counts for {@code lastReconcile} on every node. */
    void recordReconcile(Reconciler.Result r) throws Exception {
        redis.send(Request.cmd(Command.HSET).arg(statusKey)
                .arg("reconcileAt").arg(r.at().toString())
                .arg("missing").arg(r.missing()).arg("stale").arg(r.stale()).arg("extra").arg(r.extra()));
    }

    /** {@code {at, missing, stale, extra}} of the last reconcile by any node; empty when none ran. */
    Optional<Map<String, Object>> lastReconcile() throws Exception {
        Response r = redis.send(Request.cmd(Command.HGETALL).arg(statusKey));
        if (r == null || r.size() == 0 || !r.getKeys().contains("reconcileAt")) {
            return Optional.empty();
        }
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("at", r.get("reconcileAt").toString());
        last.put("missing", r.get("missing").toLong());
        last.put("stale", r.get("stale").toLong());
        last.put("extra", r.get("extra").toLong());
        return Optional.of(last);
    }
}
