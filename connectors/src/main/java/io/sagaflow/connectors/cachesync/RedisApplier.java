package io.sagaflow.connectors.cachesync;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes changes to Redis with one Lua script that compares each key's stored source position (kept in the hash
 * {@code <prefix><name>:pos}, outside the value key) with the change's, atomically:
 * <ul>
 *   <li>{@code u}/{@code d} (from the change stream): upsert/delete only if the change is newer than what the key
 *       holds; a delete records its position too, so a late older upsert cannot bring the key back;</li>
 *   <li>{@code U}/{@code D} (repairs by the reconcile): upsert/delete only if the stored position is still the one
 *       seen when comparing (compare-and-set), so a repair never undoes a change the stream applied meanwhile.</li>
 * </ul>
 * A batch is sent as one pipeline of script calls; it returns once Redis answered every one.
 */
final class RedisApplier {

    /** One change for the script. {@code data}: field, value, ... (hash) or one JSON string; empty for deletes. */
    record Change(char mode, String key, String position, List<String> data) {
    }

    static final String SCRIPT = """
            local poskey = KEYS[1]
            local ttl = tonumber(ARGV[1])
            local fmt = ARGV[2]
            local i = 3
            local applied = 0
            for k = 2, #KEYS do
              local key = KEYS[k]
              local mode = ARGV[i]
              local p = ARGV[i + 1]
              local n = tonumber(ARGV[i + 2])
              local d = i + 3
              i = d + n
              local cur = redis.call('HGET', poskey, key)
              local go
              if mode == 'u' or mode == 'd' then
                go = (not cur) or cur < p
                if go then redis.call('HSET', poskey, key, p) end
              else
                if cur then go = (cur == p) else go = (p == '') end
              end
              if go then
                applied = applied + 1
                redis.call('DEL', key)
                if mode == 'u' or mode == 'U' then
                  if fmt == 'hash' then
                    if n > 0 then redis.call('HSET', key, unpack(ARGV, d, d + n - 1)) end
                  else
                    redis.call('SET', key, ARGV[d])
                  end
                  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
                end
              end
            end
            return applied
            """;

    private static final int PER_CALL = 200;

    private final Redis redis;
    private final String posKey;
    private final long ttlMillis;
    private final String format;

    RedisApplier(Redis redis, String posKey, long ttlMillis, boolean hash) {
        this.redis = redis;
        this.posKey = posKey;
        this.ttlMillis = ttlMillis;
        this.format = hash ? "hash" : "json";
    }

    /** Applies the changes in order, in one pipeline; returns how many changed Redis. Throws when Redis failed. */
    int apply(List<Change> changes) throws Exception {
        if (changes.isEmpty()) {
            return 0;
        }
        List<Request> calls = new ArrayList<>();
        for (int from = 0; from < changes.size(); from += PER_CALL) {
            List<Change> part = changes.subList(from, Math.min(changes.size(), from + PER_CALL));
            Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(part.size() + 1).arg(posKey);
            for (Change c : part) {
                eval.arg(c.key());
            }
            eval.arg(ttlMillis).arg(format);
            for (Change c : part) {
                eval.arg(String.valueOf(c.mode())).arg(c.position()).arg(c.data().size());
                for (String d : c.data()) {
                    eval.arg(d);
                }
            }
            calls.add(eval);
        }
        List<Response> answers = send(calls);
        int applied = 0;
        for (Response r : answers) {
            applied += r.toInteger();
        }
        return applied;
    }

    List<Response> send(List<Request> calls) throws Exception {
        return redis.batch(calls).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    Response send(Request call) throws Exception {
        return redis.send(call).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
