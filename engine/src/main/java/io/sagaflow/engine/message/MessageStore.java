package io.sagaflow.engine.message;


import io.sagaflow.engine.internal.PageCursor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.dsl.model.MessageFlow;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.deadletter.NewDeadLetter;
import io.sagaflow.engine.flow.FlowRegistry;
import io.sagaflow.engine.internal.TimeOrderedIds;
import io.sagaflow.engine.message.MessageDecision.Effect;
import io.sagaflow.engine.outbox.Outbox;
import io.sagaflow.engine.internal.IdempotencyKey;
import io.sagaflow.engine.internal.IdempotentCreate;
import io.sagaflow.engine.internal.IdempotentCreate.Creation;
import io.sagaflow.engine.internal.SqlValues;
import io.sagaflow.engine.internal.ListQuery;
import io.sagaflow.engine.internal.Page;
import io.sagaflow.engine.internal.PageRequest;
import io.sagaflow.wire.KafkaHeader;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The transaction around every decision about a message: lock its row, ask {@link MessageDecider}, then append the
 * events, update the row, write the outbox row and the dead letter, all in ONE transaction.
 */
@ApplicationScoped
public class MessageStore {

    /** Header {@code sagaflow-kind} of published messages; the relay's listener picks these out. */
    public static final String KIND = "message";

    private static final String COLUMNS = "id, flow, flow_version, topic, key, payload::text AS payload, status, checks, "
            + "next_check_at, last_seq, created_at, updated_at";

    private final Pool pool;
    private final FlowRegistry flows;
    private final DeadLetterStore deadLetters;
    private final ObjectMapper json;
    private final Clock clock;
    private final MessageMetrics metrics;

    public MessageStore(Pool pool, FlowRegistry flows, DeadLetterStore deadLetters, ObjectMapper json, Clock clock,
                        MessageMetrics metrics) {
        this.pool = pool;
        this.flows = flows;
        this.deadLetters = deadLetters;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Prepares a message on the newest version of {@code flowName}. */
    public Uni<Creation> prepare(String flowName, String key, JsonNode payload, Optional<IdempotencyKey> idempotencyKey) {
        return flows.latest(flowName, MessageFlow.class).chain(flow -> pool.withTransaction(conn -> {
            Instant now = clock.instant();
            UUID id = TimeOrderedIds.next(now);
            String requestSha = IdempotentCreate.fingerprint(json, json.createObjectNode()
                    .put("flow", flowName).put("key", key).set("payload", payload));
            return conn.preparedQuery("INSERT INTO message (id, flow, flow_version, topic, key, payload, status, "
                            + "idempotency_key, request_sha256, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, "
                            + "$6::text::jsonb, 'PREPARED', $7, $8, $9, $9) ON CONFLICT (idempotency_key) DO NOTHING "
                            + "RETURNING " + COLUMNS)
                    .execute(Tuple.tuple().addValue(id).addValue(flow.id().name()).addValue(flow.id().version())
                            .addValue(flow.topic()).addValue(key).addValue(SqlValues.json(json, payload))
                            .addValue(idempotencyKey.map(IdempotencyKey::value).orElse(null)).addValue(requestSha).addValue(SqlValues.at(now)))
                    .chain(inserted -> IdempotentCreate.settle(conn, "message", "messageId", id, inserted,
                            idempotencyKey, requestSha, () -> persist(conn, inserted.iterator().next(), flow,
                                    MessageDecider.prepare(flow, key, now), now)));
        }));
    }

    /** Applies an input in its own transaction; empty when there is no such message. */
    public Uni<Optional<MessageDecision>> act(UUID id, MessageInput input) {
        return pool.withTransaction(conn -> actIn(conn, id, input));
    }

    /** Applies an input inside the caller's transaction (a dead-letter redrive). */
    public Uni<Optional<MessageDecision>> actIn(SqlConnection conn, UUID id, MessageInput input) {
        return conn.preparedQuery("SELECT " + COLUMNS + " FROM message WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<MessageDecision>empty());
                    }
                    Row row = rows.iterator().next();
                    return flows.at(row.getString("flow"), row.getInteger("flow_version"), MessageFlow.class)
                            .chain(flow -> {
                                Instant now = clock.instant();
                                MessageDecision d = MessageDecider.decide(flow, state(row), input, now);
                                return persist(conn, row, flow, d, now).map(ignored -> Optional.of(d));
                            });
                });
    }

    /** The origin of a MESSAGE_DELIVERY dead letter: one per message and consumer group. */
    public static String deliveryOrigin(UUID id, String consumer) {
        return id + ":" + consumer;
    }

    /** What became of a consumer's report of a message it could not process. */
    public sealed interface DeliveryReport {
        /** No such message. */
        record Unknown() implements DeliveryReport {
        }

        /** The message was never published (e.g. still PREPARED): refused, nothing recorded. */
        record Refused(String reason) implements DeliveryReport {
        }

        /** Recorded as the dead letter {@code letterId}; {@code created} is false when it was already open. */
        record Recorded(UUID letterId, boolean created) implements DeliveryReport {
        }
    }

    /**
     * Records that {@code failure.consumer()} gave up on a message: an event and a MESSAGE_DELIVERY dead letter, in
     * one transaction. Idempotent while that letter is open: a repeated report answers the open letter unchanged.
     */
    public Uni<DeliveryReport> reportDeliveryFailure(UUID id, MessageInput.DeliveryFailure failure) {
        String origin = deliveryOrigin(id, failure.consumer());
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id FROM message WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .chain(locked -> {
                    if (locked.size() == 0) {
                        return Uni.createFrom().item((DeliveryReport) new DeliveryReport.Unknown());
                    }
                    return openLetter(conn, origin).chain(open -> {
                        if (open.isPresent()) {
                            return Uni.createFrom().item((DeliveryReport) new DeliveryReport.Recorded(open.get(), false));
                        }
                        return actIn(conn, id, failure).chain(d -> {
                            if (d.orElseThrow().verdict() instanceof MessageDecision.Verdict.Refused refused) {
                                return Uni.createFrom().item((DeliveryReport) new DeliveryReport.Refused(refused.reason()));
                            }
                            return openLetter(conn, origin)
                                    .map(letter -> (DeliveryReport) new DeliveryReport.Recorded(letter.orElseThrow(), true));
                        });
                    });
                }));
    }

    private static Uni<Optional<UUID>> openLetter(SqlConnection conn, String origin) {
        return conn.preparedQuery("SELECT id FROM dead_letter WHERE source = $1 AND origin = $2 AND status = 'OPEN'")
                .execute(Tuple.of(DeadLetterSource.MESSAGE_DELIVERY.name(), origin))
                .map(rows -> rows.size() == 0 ? Optional.<UUID>empty() : Optional.of(rows.iterator().next().getUUID("id")));
    }

    /** A message whose check-back this node now owns until its lease runs out. */
    public record Claim(UUID id, MessageFlow flow) {
    }

    /**
     * Claims up to {@code limit} PREPARED messages whose check-back is due. SKIP LOCKED keeps two nodes off the same
     * rows, and the claim pushes {@code next_check_at} forward by the flow's {@code every} (at least
     * {@code minLease}) in its own short transaction: that is the lease, so no other node checks the message while
     * this one calls the producer outside any transaction. A node dying mid-check just lets the lease run out.
     */
    public Uni<List<Claim>> claimDueChecks(int limit, Duration minLease) {
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id, flow, flow_version FROM message "
                        + "WHERE status = 'PREPARED' AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2 "
                        + "FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(SqlValues.at(now), limit))
                .chain(rows -> {
                    List<Uni<Claim>> claims = new ArrayList<>();
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        claims.add(flows.at(r.getString("flow"), r.getInteger("flow_version"), MessageFlow.class)
                                .map(flow -> new Claim(id, flow)));
                    }
                    if (claims.isEmpty()) {
                        return Uni.createFrom().item(List.<Claim>of());
                    }
                    return Uni.join().all(claims).andFailFast().chain(claimed -> {
                        List<Tuple> leases = claimed.stream().map(c -> {
                            Duration every = c.flow().checkBack().every();
                            Duration lease = every.compareTo(minLease) >= 0 ? every : minLease;
                            return Tuple.of(c.id(), SqlValues.at(now.plus(lease)));
                        }).toList();
                        return conn.preparedQuery("UPDATE message SET next_check_at = $2 WHERE id = $1")
                                .executeBatch(leases).replaceWith(claimed);
                    });
                }));
    }

    /**
     * Marks COMMITTED messages DELIVERED after Kafka acknowledged them: one UPDATE for the batch, with its events.
     * This is {@link MessageDecider}'s rule for {@link MessageInput.Published} (COMMITTED -> DELIVERED, anything else
     * unchanged) written as one set-based statement, because the relay calls it for every batch it publishes.
     * Returns how many changed.
     */
    public Uni<Integer> markDelivered(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery("WITH d AS (UPDATE message SET status = 'DELIVERED', "
                        + "last_seq = last_seq + 1, updated_at = $2 WHERE id = ANY($1) AND status = 'COMMITTED' "
                        + "RETURNING id, topic, last_seq, created_at), e AS (INSERT INTO message_event (message_id, seq, "
                        + "type, data, at) SELECT id, last_seq, 'MessageDelivered', jsonb_build_object('topic', topic), $2 "
                        + "FROM d) SELECT id, created_at FROM d")
                .execute(Tuple.of(ids.toArray(new UUID[0]), SqlValues.at(now))))
                .map(rows -> {
                    for (Row r : rows) {
                        metrics.reached(MessageStatus.DELIVERED);
                        metrics.delivered(Duration.between(r.getOffsetDateTime("created_at").toInstant(), now));
                    }
                    return rows.size();
                });
    }

    /** Appends the decision's events, updates the row and carries out the effects, in the caller's transaction. */
    private Uni<Void> persist(SqlConnection conn, Row row, MessageFlow flow, MessageDecision d, Instant now) {
        if (d.events().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID id = row.getUUID("id");
        MessageState before = state(row);
        MessageState after = before;
        long seq = row.getLong("last_seq");
        List<Tuple> events = new ArrayList<>();
        for (MessageEvent e : d.events()) {
            after = after.apply(e);
            events.add(Tuple.of(id, ++seq, e.type(), SqlValues.json(json, json.valueToTree(e)), SqlValues.at(now)));
        }
        boolean setCheck = false;
        Instant nextCheck = null;
        Uni<Void> effects = Uni.createFrom().voidItem();
        for (Effect effect : d.effects()) {
            if (effect instanceof Effect.ScheduleCheck schedule) {
                setCheck = true;
                nextCheck = schedule.at();
            } else if (effect instanceof Effect.StopChecks) {
                setCheck = true;
                nextCheck = null;
            } else if (effect instanceof Effect.Publish) {
                effects = effects.chain(() -> Outbox.write(conn, List.of(publication(row))));
            } else if (effect instanceof Effect.DeadLetterUndecided undecided) {
                int checks = after.checks();
                effects = effects.chain(() -> deadLetters.record(conn, new NewDeadLetter(DeadLetterSource.MESSAGE,
                        id.toString(), Optional.of(flow.id().name()), undecided.reason(), undecided.detail(),
                        Optional.of(row.getString("payload")), Map.of("key", row.getString("key"),
                        "topic", row.getString("topic")), checks)).replaceWithVoid());
            } else if (effect instanceof Effect.DeadLetterDelivery failed) {
                effects = effects.chain(() -> deadLetters.record(conn, new NewDeadLetter(DeadLetterSource.MESSAGE_DELIVERY,
                        deliveryOrigin(id, failed.consumer()), Optional.of(flow.id().name()), failed.reason(),
                        failed.detail(), Optional.of(row.getString("payload")), Map.of("consumer", failed.consumer(),
                        "key", row.getString("key"), "topic", row.getString("topic"), KafkaHeader.MESSAGE_ID, id.toString()),
                        failed.attempts())).replaceWithVoid());
            } else if (effect instanceof Effect.SettleDeadLetter settle) {
                // Decided directly, the open letter is RESOLVED; decided by its redrive, that redrive SUCCEEDED.
                effects = effects.chain(() -> deadLetters.resolve(conn, DeadLetterSource.MESSAGE, id.toString(), settle.how()))
                        .chain(() -> deadLetters.originSucceeded(conn, DeadLetterSource.MESSAGE, id.toString(), settle.how()));
            }
        }
        MessageState result = after;
        long lastSeq = seq;
        Tuple update = Tuple.tuple().addValue(id).addValue(result.status().name()).addValue(result.checks())
                .addValue(lastSeq).addValue(SqlValues.at(now)).addValue(setCheck).addValue(nextCheck == null ? null : SqlValues.at(nextCheck));
        Uni<Void> effectsToRun = effects;
        return conn.preparedQuery("INSERT INTO message_event (message_id, seq, type, data, at) "
                        + "VALUES ($1, $2, $3, $4::text::jsonb, $5)").executeBatch(events)
                .chain(() -> conn.preparedQuery("UPDATE message SET status = $2, checks = $3, last_seq = $4, "
                        + "updated_at = $5, next_check_at = CASE WHEN $6 THEN $7 ELSE next_check_at END WHERE id = $1")
                        .execute(update))
                .chain(() -> effectsToRun)
                .invoke(() -> count(before, result, d));
    }

    /** Counted when written; a transaction that then fails to commit over-counts by one (rare, and harmless). */
    private void count(MessageState before, MessageState after, MessageDecision d) {
        if (before.status() != after.status() || d.events().get(0) instanceof MessageEvent.MessagePrepared) {
            metrics.reached(after.status());
        }
        for (MessageEvent e : d.events()) {
            if (e instanceof MessageEvent.CheckBackAnswered answered) {
                metrics.checked(answered.answer());
            }
        }
    }

    /**
     * The outbox row of a message. Its id is the message id, so every (re-)publication carries the same
     * {@code sagaflow-message-id} and consumers dedupe on it; the row is deleted in its own transaction, so the id
     * is free again for a later re-publication.
     */
    private static Outbox.Row publication(Row row) {
        UUID id = row.getUUID("id");
        String flow = row.getString("flow");
        return Outbox.Row.event(id, row.getString("topic"), row.getString("key"), flow, row.getString("payload"),
                flow, KIND);
    }

    /** One message with its history. */
    public Uni<Optional<MessageView>> get(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM message WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<MessageView>empty());
                    }
                    Row row = rows.iterator().next();
                    return events(pool, id).map(events -> Optional.of(view(row, events)));
                });
    }

    private Uni<List<MessageView.EventView>> events(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT seq, type, data::text AS data, at FROM message_event WHERE message_id = $1 "
                        + "ORDER BY seq").execute(Tuple.of(id))
                .map(rows -> {
                    List<MessageView.EventView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new MessageView.EventView(r.getLong("seq"), r.getString("type"),
                                r.getOffsetDateTime("at").toInstant(), SqlValues.tree(json, r.getString("data"))));
                    }
                    return out;
                });
    }

    /** Filter of the list; empty parts match everything. */
    public record Filter(Optional<MessageStatus> status, Optional<String> flow) {
    }

    /** Messages matching the filter, newest first, after the cursor if any, without their histories. */
    public Uni<Page<MessageView>> list(Filter filter, PageRequest page) {
        return ListQuery.newestFirst("message", COLUMNS)
                .equal("status", filter.status().map(Enum::name))
                .equal("flow", filter.flow())
                .fetch(pool, page).map(rows -> {
            List<MessageView> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(view(r, null));
            }
            return Page.of(out, page, m -> new PageCursor(m.createdAt(), m.id()));
        });
    }

    private MessageView view(Row r, List<MessageView.EventView> events) {
        OffsetDateTime next = r.getOffsetDateTime("next_check_at");
        return new MessageView(r.getUUID("id"), r.getString("flow"), r.getInteger("flow_version"), r.getString("topic"),
                r.getString("key"), MessageStatus.valueOf(r.getString("status")), r.getInteger("checks"),
                next == null ? null : next.toInstant(), SqlValues.tree(json, r.getString("payload")),
                r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(), events);
    }

    private static MessageState state(Row row) {
        return new MessageState(MessageStatus.valueOf(row.getString("status")), row.getInteger("checks"));
    }



}
