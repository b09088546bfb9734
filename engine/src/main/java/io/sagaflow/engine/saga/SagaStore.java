package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.KafkaParticipant;
import io.sagaflow.dsl.model.Participant;
import io.sagaflow.dsl.model.SagaFlow;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.deadletter.NewDeadLetter;
import io.sagaflow.engine.flow.FlowRegistry;
import io.sagaflow.engine.internal.TimeOrderedIds;
import io.sagaflow.engine.saga.SagaStatus;
import io.sagaflow.wire.CommandKind;
import java.util.Map;
import java.util.function.BiPredicate;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import io.sagaflow.connectors.outbox.DirectSends;
import io.sagaflow.connectors.outbox.OutboxRelay;
import io.sagaflow.engine.outbox.Outbox;
import io.sagaflow.engine.saga.RecordedEvent;
import io.sagaflow.engine.saga.SagaDecider;
import io.sagaflow.engine.saga.SagaEvent;
import io.sagaflow.engine.saga.SagaInput;
import io.sagaflow.engine.saga.SagaState;
import io.sagaflow.engine.saga.TimerKey;
import io.sagaflow.engine.internal.IdempotencyKey;
import io.sagaflow.engine.internal.IdempotentCreate;
import io.sagaflow.engine.internal.IdempotentCreate.Creation;
import io.sagaflow.engine.internal.SqlValues;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The event store and the transaction around every decision: lock the saga, take its state (this node's cache of
 * states it committed, checked against the locked row's {@code last_seq}, or a replay of its events), ask the pure
 * core, then append the new events, update the projection, write the outbox rows (and delete them: the WAL keeps
 * the inserts for the relay) and the timers, all in ONE transaction, for a whole batch of inputs at once. The
 * primary key (saga_id, seq) rejects an append from a writer that read a stale log.
 */
@ApplicationScoped
public class SagaStore {

    private final Pool pool;
    private final FlowRegistry flows;
    private final SagaflowConfig config;
    private final ObjectMapper json;
    private final EventCodec codec;
    private final Clock clock;
    private final DeadLetterStore deadLetters;
    private final MeterRegistry metrics;
    private final StateCache cache;
    private final SagaTracing tracing;
    private final OutboxRelay relay;

    public SagaStore(Pool pool, FlowRegistry flows, SagaflowConfig config, ObjectMapper json, Clock clock,
                     DeadLetterStore deadLetters, MeterRegistry metrics, SagaTracing tracing, OutboxRelay relay) {
        this.relay = relay;
        this.metrics = metrics;
        this.tracing = tracing;
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.flows = flows;
        this.config = config;
        this.json = json;
        this.codec = new EventCodec(json);
        this.clock = clock;
        this.cache = new StateCache(config.replies().stateCacheSize());
    }

    /** What one input did to a saga. */
    public record Applied(Optional<SagaState> state, SagaDecision decision) {
    }

    /**
     * Starts a saga on the newest version of {@code flowName}: decided before anything is written, so one INSERT of
     * the saga row carries its projection as well (no read, no second write of the row), then its events, commands
     * and timers, pipelined.
     */
    public Uni<Creation> start(String flowName, JsonNode input, Optional<IdempotencyKey> idempotencyKey) {
        return flows.latestSaga(flowName).chain(flow -> {
            Instant now = clock.instant();
            UUID id = TimeOrderedIds.next(now);
            SagaState empty = SagaState.empty(id);
            SagaDecision d = SagaDecider.decide(flow, empty, new SagaInput.Start(id, input, now));
            Writes writes = new Writes(now);
            Context trace = tracing.started(flowName, id);
            SagaState started = writes.add(flow, empty, d, trace);
            String requestSha = IdempotentCreate.fingerprint(json,
                    json.createObjectNode().put("flow", flowName).set("input", input));
            DirectSends.Batch direct = relay.directBatch();
            return afterCommit(direct, pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO saga (id, flow, flow_version, status, "
                                    + "input, idempotency_key, request_sha256, created_at, updated_at, output, error, steps, "
                                    + "last_seq, traceparent) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $8, "
                                    + "$9::text::jsonb, $10, $11::text::jsonb, $12, $13) "
                                    + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id")
                            .execute(Tuple.tuple().addValue(id).addValue(flow.id().name()).addValue(flow.id().version())
                                    .addValue(started.status().name()).addValue(SqlValues.json(json, input))
                                    .addValue(idempotencyKey.map(IdempotencyKey::value).orElse(null)).addValue(requestSha)
                                    .addValue(SqlValues.at(now))
                                    .addValue(started.output().map(v -> SqlValues.json(json, v)).orElse(null))
                                    .addValue(started.error().orElse(null)).addValue(stepsJson(started))
                                    .addValue(started.seq()).addValue(tracing.traceparent(trace).orElse(null)))
                            .chain(inserted -> IdempotentCreate.settle(conn, "saga", "sagaId", id, inserted, idempotencyKey,
                                    requestSha, () -> writes.flush(conn, false, direct)))))
                    .invoke(created -> {
                        if (created instanceof Creation.Created) {
                            cache.committed(started);
                        }
                    });
        });
    }

    /** Applies a reply (or any input built from the time of the transaction) to a saga. */
    public Uni<Applied> apply(UUID sagaId, Function<Instant, SagaInput> input) {
        return applyAll(List.of(new Work(sagaId, input))).map(results -> results.get(0));
    }

    /**
     * What {@code input} would do to the saga now: decided by the same rules on its current state, with nothing
     * locked or written (an operator's "what will happen"). {@link Applied#state()} is the state decided on; empty for
     * an unknown saga. A reply arriving meanwhile can make the real action differ; the real one is decided again.
     */
    public Uni<Applied> preview(UUID sagaId, Function<Instant, SagaInput> input) {
        return pool.withConnection(conn -> replay(conn, List.of(sagaId))).chain(states -> {
            SagaState state = states.get(sagaId);
            if (state == null) {
                return Uni.createFrom().item(new Applied(Optional.empty(), SagaDecision.rejected("unknown saga " + sagaId)));
            }
            return flows.saga(state.flow(), state.flowVersion())
                    .map(flow -> new Applied(Optional.of(state), SagaDecider.decide(flow, state, input.apply(clock.instant()))));
        });
    }

    /**
     * One input for one saga, for {@link #applyAll}.
     *
     * @param traceparent the trace context of the reply that is the input, if it carried one (docs/tracing.md)
     */
    public record Work(UUID sagaId, Function<Instant, SagaInput> input, Optional<String> traceparent) {

        /** An input that is no reply, or a reply that carried no trace context. */
        public Work(UUID sagaId, Function<Instant, SagaInput> input) {
            this(sagaId, input, Optional.empty());
        }
    }

    /**
     * Applies many inputs in ONE transaction (a micro-batch: one commit for a whole poll of replies instead of one
     * per reply), set-based: one {@code SELECT ... FOR UPDATE} locks every saga of the batch, in id order (the one
     * lock order of the engine: saga rows first, by id, then their timers and outbox rows); states come from this
     * node's {@link StateCache} when it holds the locked {@code last_seq}, else from ONE read of the events of all the
     * others; then every input is decided in memory (one saga's inputs keep their order) and all writes go out
     * pipelined (events, projections, outbox, timers). If any of it fails, nothing of the batch is written. Returns one
     * {@link Applied} per input, in saga-id order.
     */
    public Uni<List<Applied>> applyAll(List<Work> work) {
        List<Applied> results = new ArrayList<>();
        DirectSends.Batch direct = relay.directBatch();
        return afterCommit(direct, pool.withTransaction(conn -> applyAllIn(conn, work, results, direct)))
                .invoke(ignored -> results.forEach(a -> a.state().ifPresent(cache::committed)))
                .map(ignored -> results);
    }

    /** Applies an input to a saga inside the caller's transaction (e.g. a dead-letter redrive). */
    public Uni<Applied> applyIn(SqlConnection conn, UUID sagaId, Function<Instant, SagaInput> input) {
        List<Applied> results = new ArrayList<>();
        return applyAllIn(conn, List.of(new Work(sagaId, input)), results, DirectSends.Batch.NONE)
                .map(ignored -> results.get(0));
    }

    /**
     * {@code transaction}, telling {@code direct} how it ended: the commands it reserved are sent by this node right
     * after the commit, or left to the relay when the transaction failed (or its outcome is unknown).
     */
    private static <T> Uni<T> afterCommit(DirectSends.Batch direct, Uni<T> transaction) {
        return transaction.onItemOrFailure().invoke((item, failure) -> {
            if (failure == null) {
                direct.committed();
            } else {
                direct.abandoned();
            }
        });
    }

    private Uni<Void> applyAllIn(SqlConnection conn, List<Work> work, List<Applied> results, DirectSends.Batch direct) {
        List<Work> ordered = new ArrayList<>(work);
        ordered.sort(java.util.Comparator.comparing(Work::sagaId));   // stable: one saga's inputs keep their order
        UUID[] ids = ordered.stream().map(Work::sagaId).distinct().toArray(UUID[]::new);
        Map<UUID, Optional<String>> traces = new java.util.HashMap<>();
        return conn.preparedQuery("SELECT id, last_seq, traceparent FROM saga WHERE id = ANY($1) ORDER BY id FOR UPDATE")
                .execute(Tuple.tuple().addArrayOfUUID(ids))
                .chain(rows -> {
                    Map<UUID, SagaState> states = new java.util.HashMap<>();
                    List<UUID> misses = new ArrayList<>();
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        traces.put(id, Optional.ofNullable(r.getString("traceparent")));
                        cache.at(id, r.getLong("last_seq")).ifPresentOrElse(s -> states.put(id, s), () -> misses.add(id));
                    }
                    metrics.counter("sagaflow.saga.state", "source", "cache").increment(states.size());
                    metrics.counter("sagaflow.saga.state", "source", "replay").increment(misses.size());
                    return replay(conn, misses).invoke(states::putAll).replaceWith(states);
                })
                .chain(states -> flowsOf(states.values()).chain(flowsById -> {
                    Writes writes = new Writes(clock.instant());
                    for (Work w : ordered) {
                        SagaState state = states.get(w.sagaId());
                        if (state == null) {
                            results.add(new Applied(Optional.empty(), SagaDecision.rejected("unknown saga " + w.sagaId())));
                            continue;
                        }
                        SagaFlow flow = flowsById.get(flowKey(state));
                        Instant now = clock.instant();
                        SagaDecision d = SagaDecider.decide(flow, state, w.input().apply(now));
                        Context trace = d.commands().isEmpty() && w.traceparent().isEmpty() ? Context.root()
                                : tracing.decision(w.traceparent(), traces.getOrDefault(w.sagaId(), Optional.empty()), state);
                        SagaState after = writes.add(flow, state, d, trace);
                        states.put(w.sagaId(), after);
                        results.add(new Applied(Optional.of(after), d));
                    }
                    return writes.flush(conn, true, direct);
                }));
    }

    /** The states of {@code sagaIds} replayed from their events, in one read. */
    private Uni<Map<UUID, SagaState>> replay(SqlConnection conn, List<UUID> sagaIds) {
        if (sagaIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return conn.preparedQuery("SELECT saga_id, type, data::text AS data FROM saga_event WHERE saga_id = ANY($1) "
                        + "ORDER BY saga_id, seq")
                .execute(Tuple.tuple().addArrayOfUUID(sagaIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, List<SagaEvent>> events = new java.util.LinkedHashMap<>();
                    for (Row r : rows) {
                        events.computeIfAbsent(r.getUUID("saga_id"), k -> new ArrayList<>())
                                .add(codec.decode(r.getString("type"), r.getString("data")));
                    }
                    Map<UUID, SagaState> out = new java.util.HashMap<>();
                    events.forEach((id, log) -> out.put(id, SagaState.replay(id, log)));
                    return out;
                });
    }

    private static String flowKey(SagaState s) {
        return s.flow() + "@" + s.flowVersion();
    }

    /** The flow version each saga is pinned to (cached by the registry: usually no I/O). */
    private Uni<Map<String, SagaFlow>> flowsOf(java.util.Collection<SagaState> states) {
        Map<String, SagaState> distinct = new java.util.LinkedHashMap<>();
        states.forEach(s -> distinct.putIfAbsent(flowKey(s), s));
        Map<String, SagaFlow> out = new java.util.concurrent.ConcurrentHashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SagaState s : distinct.values()) {
            chain = chain.chain(() -> flows.saga(s.flow(), s.flowVersion()).invoke(f -> out.put(flowKey(s), f))
                    .replaceWithVoid());
        }
        return chain.map(ignored -> out);
    }

    /** A timer that is due but must wait: how long it has waited bounds the wait. */
    private static final Duration DEFERRAL_STEP = Duration.ofSeconds(1);

    /**
     * Fires up to {@code limit} due timers, in one transaction, in the engine's one lock order: due timers are read
     * without a lock; their sagas are locked in id order with {@code SKIP LOCKED} (a saga busy elsewhere keeps its
     * timers for the next round, so this never waits, and no two nodes fire one timer); then exactly the timers still
     * there are deleted and applied. A crash before commit leaves the timers in place. A step timeout whose saga's
     * participant did not have the chance to answer by its due time ({@code hadAChance} false: a part of the
     * command's path was down, e.g. the dead node whose partition holds the command) is put back for a second, up to
     * {@code sagaflow.timers.timeout-deferral-max} past its due time. Returns how many fired.
     */
    public Uni<Integer> fireDueTimers(int limit, BiPredicate<UUID, Instant> hadAChance) {
        Instant now = clock.instant();
        Instant deferUntil = now.minus(config.timers().timeoutDeferralMax());
        DirectSends.Batch direct = relay.directBatch();
        return afterCommit(direct, pool.withTransaction(conn -> conn.preparedQuery("SELECT DISTINCT saga_id FROM (SELECT saga_id FROM "
                                + "saga_timer WHERE due_at <= $1 ORDER BY due_at LIMIT $2) due")
                        .execute(Tuple.of(SqlValues.at(now), limit))
                        .chain(due -> {
                            List<UUID> ids = new ArrayList<>();
                            due.forEach(r -> ids.add(r.getUUID("saga_id")));
                            if (ids.isEmpty()) {
                                return Uni.createFrom().item(0);
                            }
                            return conn.preparedQuery("SELECT id FROM saga WHERE id = ANY($1) ORDER BY id FOR UPDATE SKIP LOCKED")
                                    .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new)))
                                    .chain(locked -> {
                                        List<UUID> mine = new ArrayList<>();
                                        locked.forEach(r -> mine.add(r.getUUID("id")));
                                        return mine.isEmpty() ? Uni.createFrom().item(0)
                                                : fireTimersOf(conn, mine, now, deferUntil, hadAChance, direct);
                                    });
                        })));
    }

    /** Deletes and applies the due timers of sagas this transaction has locked. */
    private Uni<Integer> fireTimersOf(SqlConnection conn, List<UUID> sagaIds, Instant now, Instant deferUntil,
                                      BiPredicate<UUID, Instant> hadAChance, DirectSends.Batch direct) {
        return conn.preparedQuery("DELETE FROM saga_timer WHERE saga_id = ANY($1) AND due_at <= $2 "
                        + "RETURNING saga_id, type, step, kind, run, attempt, due_at, deferred_from")
                .execute(Tuple.tuple().addArrayOfUUID(sagaIds.toArray(UUID[]::new)).addValue(SqlValues.at(now)))
                .chain(rows -> {
                    List<Work> work = new ArrayList<>();
                    List<Tuple> deferred = new ArrayList<>();
                    for (Row row : rows) {
                        UUID sagaId = row.getUUID("saga_id");
                        TimerKey key = new TimerKey(TimerKey.Type.valueOf(row.getString("type")), row.getString("step"),
                                CommandKind.valueOf(row.getString("kind")), row.getInteger("run"), row.getInteger("attempt"));
                        OffsetDateTime firstDue = Optional.ofNullable(row.getOffsetDateTime("deferred_from"))
                                .orElse(row.getOffsetDateTime("due_at"));
                        if (key.type() == TimerKey.Type.TIMEOUT
                                && !hadAChance.test(sagaId, firstDue.toInstant())
                                && firstDue.toInstant().isAfter(deferUntil)) {
                            deferred.add(timerKey(sagaId, key).addValue(SqlValues.at(now.plus(DEFERRAL_STEP))).addValue(firstDue));
                            continue;
                        }
                        work.add(new Work(sagaId, at -> new SagaInput.TimerFired(key, at)));
                    }
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    if (!deferred.isEmpty()) {
                        chain = conn.preparedQuery("INSERT INTO saga_timer (saga_id, type, step, kind, run, attempt, due_at, "
                                + "deferred_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(deferred)
                                .invoke(() -> metrics.counter("sagaflow.timers.deferred").increment(deferred.size()))
                                .replaceWithVoid();
                    }
                    if (work.isEmpty()) {
                        return chain.map(ignored -> 0);
                    }
                    List<Applied> results = new ArrayList<>();
                    return chain.chain(() -> applyAllIn(conn, work, results, direct)).map(ignored -> work.size());
                });
    }

    /** The saga's log, in order. */
    public Uni<List<RecordedEvent>> events(UUID sagaId) {
        return pool.preparedQuery("SELECT seq, type, data::text AS data, recorded_at FROM saga_event "
                        + "WHERE saga_id = $1 ORDER BY seq")
                .execute(Tuple.of(sagaId))
                .map(rows -> {
                    List<RecordedEvent> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new RecordedEvent(sagaId, r.getLong("seq"), r.getOffsetDateTime("recorded_at").toInstant(),
                                codec.decode(r.getString("type"), r.getString("data"))));
                    }
                    return out;
                });
    }

    /**
     * The writes of a batch of decisions, collected in memory and sent together: the events of every decision, the
     * projection of each saga once (its last state), outbox rows, and the net change of timers (a timer created and
     * cancelled in one batch is never written). Dead-letter changes follow, one decision at a time (rare).
     */
    private final class Writes {
        private final Instant now;
        private final List<Tuple> events = new ArrayList<>();
        private final Map<UUID, SagaState> projections = new java.util.LinkedHashMap<>();
        private final List<Outbox.Row> outbox = new ArrayList<>();
        private final Map<List<Object>, Tuple> timersToWrite = new java.util.LinkedHashMap<>();
        private final Map<List<Object>, Tuple> timersToDelete = new java.util.LinkedHashMap<>();
        private final List<SagaState[]> transitions = new ArrayList<>();
        private final List<SagaDecision> decisions = new ArrayList<>();

        Writes(Instant now) {
            this.now = now;
        }

        /** Adds one decision, its commands sent from spans under {@code trace}; returns the saga's state after it. */
        SagaState add(SagaFlow flow, SagaState before, SagaDecision d, Context trace) {
            if (d.changesNothing()) {
                return before;
            }
            SagaState after = before;
            for (SagaEvent e : d.events()) {
                after = after.apply(e);
                events.add(Tuple.of(before.id(), after.seq(), e.type(), codec.encode(e), SqlValues.at(now)));
            }
            SagaState state = after;
            if (!d.events().isEmpty()) {
                projections.put(state.id(), state);
            }
            d.commands().forEach(c -> outbox.add(outboxRow(flow, state.id(), c)
                    .withTraceparent(tracing.attempt(trace, state, c))));
            for (TimerKey k : d.cancelledTimers()) {
                List<Object> id = List.of(state.id(), k);
                if (timersToWrite.remove(id) == null) {
                    timersToDelete.put(id, timerKey(state.id(), k));
                }
            }
            for (SagaDecision.Timer t : d.timers()) {
                List<Object> id = List.of(state.id(), t.key());
                timersToDelete.remove(id);
                timersToWrite.put(id, timerKey(state.id(), t.key()).addValue(SqlValues.at(t.dueAt())));
            }
            transitions.add(new SagaState[] {before, state});
            decisions.add(d);
            return state;
        }

        /**
         * Sends everything on {@code conn}, pipelined (the statements are independent of each other: their rows are
         * disjoint). {@code updateProjections} false when the saga rows were just inserted with their projection.
         * The outbox rows are reserved with {@code direct} first, before anything can commit.
         */
        Uni<Void> flush(SqlConnection conn, boolean updateProjections, DirectSends.Batch direct) {
            if (!outbox.isEmpty() && direct != DirectSends.Batch.NONE) {
                direct.reserve(outbox.stream().flatMap(r -> r.record().stream()).toList());
            }
            List<Uni<?>> statements = new ArrayList<>();
            if (!events.isEmpty()) {
                statements.add(conn.preparedQuery("INSERT INTO saga_event (saga_id, seq, type, data, recorded_at) "
                        + "VALUES ($1, $2, $3, $4::text::jsonb, $5)").executeBatch(events));
            }
            if (updateProjections && !projections.isEmpty()) {
                statements.add(conn.preparedQuery("UPDATE saga SET status = $2, output = $3::text::jsonb, error = $4, "
                        + "steps = $5::text::jsonb, last_seq = $6, updated_at = $7 WHERE id = $1")
                        .executeBatch(projections.values().stream().map(s -> Tuple.tuple().addValue(s.id())
                                .addValue(s.status().name()).addValue(s.output().map(v -> SqlValues.json(json, v)).orElse(null))
                                .addValue(s.error().orElse(null)).addValue(stepsJson(s)).addValue(s.seq())
                                .addValue(SqlValues.at(now))).toList()));
            }
            if (!outbox.isEmpty()) {
                statements.add(Outbox.write(conn, outbox));
            }
            if (!projections.isEmpty()) {
                statements.add(conn.preparedQuery("SELECT pg_notify($1, $2)").executeBatch(changeNotices(projections.keySet())));
            }
            if (!timersToDelete.isEmpty()) {
                statements.add(conn.preparedQuery("DELETE FROM saga_timer WHERE saga_id = $1 AND type = $2 "
                        + "AND step = $3 AND kind = $4 AND run = $5 AND attempt = $6")
                        .executeBatch(List.copyOf(timersToDelete.values())));
            }
            if (!timersToWrite.isEmpty()) {
                statements.add(conn.preparedQuery("INSERT INTO saga_timer (saga_id, type, step, kind, run, attempt, due_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (saga_id, type, step, kind, run, attempt) "
                        + "DO UPDATE SET due_at = EXCLUDED.due_at").executeBatch(List.copyOf(timersToWrite.values())));
            }
            Uni<Void> sent = statements.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.combine().all().unis(statements).discardItems();
            return sent.chain(() -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (int i = 0; i < decisions.size(); i++) {
                    SagaState before = transitions.get(i)[0];
                    SagaState after = transitions.get(i)[1];
                    SagaDecision d = decisions.get(i);
                    chain = chain.chain(() -> deadLetterChanges(conn, before, after, d));
                }
                return chain;
            });
        }
    }

    /** Channel of the saga-change notices (read by the dashboard's change feed, {@code live.ChangeFeed}). */
    public static final String CHANGE_CHANNEL = "sagaflow_saga_changed";

    /**
     * The {@code pg_notify} arguments announcing {@code ids} at commit: comma-separated ids, split so that a payload
     * stays under PostgreSQL's 8,000 bytes. One statement per transaction, however many sagas it changed; NOTIFY is
     * sent only if the transaction commits.
     */
    static List<Tuple> changeNotices(java.util.Collection<UUID> ids) {
        List<Tuple> out = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (UUID id : ids) {
            if (payload.length() + 37 > 7_900) {
                out.add(Tuple.of(CHANGE_CHANNEL, payload.toString()));
                payload.setLength(0);
            }
            if (payload.length() > 0) {
                payload.append(',');
            }
            payload.append(id);
        }
        if (payload.length() > 0) {
            out.add(Tuple.of(CHANGE_CHANNEL, payload.toString()));
        }
        return out;
    }

    /**
     * A saga that ends FAILED is a dead letter, written with the event that failed it; an operator retry settles
     * it (RESOLVED when done through the saga API; the redrive's outcome when done by a redrive).
     */
    private Uni<Void> deadLetterChanges(SqlConnection conn, SagaState before, SagaState after, SagaDecision d) {
        String origin = after.id().toString();
        if (after.status() == SagaStatus.FAILED && before.status() != SagaStatus.FAILED) {
            ObjectNode payload = json.createObjectNode().put("sagaId", origin).put("flow", after.flow())
                    .put("flowVersion", after.flowVersion());
            payload.set("input", after.input());
            int attempts = after.steps().values().stream().mapToInt(SagaState.StepState::attempts).sum();
            return deadLetters.record(conn, new NewDeadLetter(DeadLetterSource.SAGA, origin, Optional.of(after.flow()),
                    "saga-failed", after.error().orElse("the saga failed"), Optional.of(SqlValues.json(json, payload)), Map.of(),
                    attempts)).replaceWithVoid();
        }
        Optional<String> resumed = d.events().stream().filter(e -> e instanceof SagaEvent.SagaResumed)
                .map(e -> ((SagaEvent.SagaResumed) e).reason()).findFirst();
        if (resumed.isPresent()) {
            return deadLetters.resolve(conn, DeadLetterSource.SAGA, origin, "saga retried: " + resumed.get());
        }
        boolean rerun = after.steps().values().stream().anyMatch(s -> s.runsByKind().values().stream().anyMatch(n -> n > 1));
        if (rerun && after.status().terminal() && after.status() != before.status()) {
            return deadLetters.originSucceeded(conn, DeadLetterSource.SAGA, origin, "saga " + after.status());
        }
        return Uni.createFrom().voidItem();
    }

    private Outbox.Row outboxRow(SagaFlow flow, UUID sagaId, SagaDecision.Command c) {
        Participant participant = flow.participants().get(c.participant());
        String topic;
        Optional<String> url = Optional.empty();
        Optional<Long> timeout = Optional.empty();
        Optional<String> protection = Optional.empty();
        if (participant instanceof KafkaParticipant kafka) {
            topic = kafka.topic();
        } else {
            HttpParticipant http = (HttpParticipant) participant;
            topic = config.httpConnector().topic();
            // several instances: their URLs separated by a space (never part of a URL); the connector picks one
            url = Optional.of(http.commandUris(c.command()).stream().map(java.net.URI::toString)
                    .collect(java.util.stream.Collectors.joining(" ")));
            timeout = Optional.of(c.timeoutMillis());
            protection = ParticipantProtection.header(flow.id().name(), http);
        }
        return new Outbox.Row(c.messageId(), topic, sagaId.toString(), c.command(), Optional.of(SqlValues.json(json, c.input())),
                c.step(), c.kind().wire(), c.idempotencyKey(), config.replies().topic(), url, timeout)
                .withHttpProtection(protection);
    }

    private static Tuple timerKey(UUID sagaId, TimerKey k) {
        return Tuple.of(sagaId, k.type().name(), k.step(), k.kind().name(), k.run(), k.attempt());
    }

    private String stepsJson(SagaState state) {
        ArrayNode steps = json.createArrayNode();
        state.steps().values().forEach(s -> {
            var node = steps.addObject();
            node.put("name", s.name());
            node.put("status", s.status().name());
            node.put("attempts", s.attempts());
            int undo = s.attemptsOf(CommandKind.COMPENSATION) + s.attemptsOf(CommandKind.CANCEL);
            if (undo > 0) {
                node.put("compensationAttempts", undo);
            }
            if (s.attemptsOf(CommandKind.CONFIRM) > 0) {
                node.put("confirmAttempts", s.attemptsOf(CommandKind.CONFIRM));
            }
            node.set("output", s.output().orElse(null));
            node.put("error", s.error().orElse(null));
        });
        return SqlValues.json(json, steps);
    }


}
