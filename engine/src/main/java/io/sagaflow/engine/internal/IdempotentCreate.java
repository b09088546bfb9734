package io.sagaflow.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Create-once under an {@link IdempotencyKey}, the same way for sagas, messages and notifications. The row is
 * inserted with {@code ON CONFLICT (idempotency_key) DO NOTHING}, so two concurrent requests with one key serialize
 * on the unique index and exactly one creates; the loser reads the winner's row and compares the fingerprint of its
 * own body (SHA-256 of canonical JSON) with the stored one.
 */
public final class IdempotentCreate {

    /** Tables that carry {@code idempotency_key} and {@code request_sha256}; the table name is spliced into SQL. */
    private static final Set<String> TABLES = Set.of("saga", "message", "notification");

    private IdempotentCreate() {
    }

    /** What a create request did. */
    public sealed interface Creation {
        UUID id();

        /** A new row: answer 201. */
        record Created(UUID id) implements Creation {
        }

        /** The key was used before with the same body: the row it created, answer 200. */
        record Existing(UUID id) implements Creation {
        }
    }

    /** The fingerprint of a request body, compared as canonical JSON (object keys sorted at every level). */
    public static String fingerprint(ObjectMapper json, JsonNode body) {
        return Canonical.sha256(SqlValues.json(json, Canonical.sorted(body)));
    }

    /**
     * Settles the result of {@code INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING ...} on
     * {@code table}: when a row came back, runs {@code whenCreated} (in the same transaction) and answers
     * {@link Creation.Created}; otherwise the key existed: {@link Creation.Existing} when its fingerprint matches,
     * else a {@code idempotency-key-reused} conflict naming the existing row as {@code idName}.
     */
    public static Uni<Creation> settle(SqlConnection conn, String table, String idName, UUID id,
                                       RowSet<Row> inserted, Optional<IdempotencyKey> key, String fingerprint,
                                       Supplier<Uni<?>> whenCreated) {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("no idempotent table " + table);
        }
        if (inserted.size() == 1) {
            return whenCreated.get().map(ignored -> new Creation.Created(id));
        }
        IdempotencyKey used = key.orElseThrow(() -> new IllegalStateException(
                "insert into " + table + " conflicted without an Idempotency-Key"));
        return conn.preparedQuery("SELECT id, request_sha256 FROM " + table + " WHERE idempotency_key = $1")
                .execute(Tuple.of(used.value()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    UUID existing = row.getUUID("id");
                    if (row.getString("request_sha256").equals(fingerprint)) {
                        return new Creation.Existing(existing);
                    }
                    throw new DomainFailure.Conflict("idempotency-key-reused", "Idempotency-Key reused",
                            "Idempotency-Key '" + used.value() + "' was used for another request body",
                            Map.of(idName, existing.toString()));
                });
    }
}
