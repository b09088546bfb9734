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
import io.sagaflow.engine.saga.SagaStatus;
import io.sagaflow.wire.CommandKind;
import java.util.Map;
import java.util.function.Predicate;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
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
 * The event store and the transaction around every decision: lock the saga, replay its events, ask the pure
 * core, then append the new events, update the projection, write the outbox rows (and delete them: the WAL keeps
 * the inserts for the relay) and the timers, all in ONE transaction. The primary key (saga_id, seq) rejects an
 * append from a writer that read a stale log.
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

    public SagaStore(Pool pool, FlowRegistry flows, SagaflowConfig config, ObjectMapper json, Clock clock,
                     DeadLetterStore deadLetters, MeterRegistry metrics) {
        this.metrics = metrics;
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.flows = flows;
        this.config = config;
        this.json = json;
        this.codec = new EventCodec(json);
        this.clock = clock;
    }

    /** What one input did to a saga. */
    public record Applied(Optional<SagaState> state, SagaDecision decision) {
    }

    /** Starts a saga on the newest version of {@code flowName}. */
    public Uni<Creation> start(String flowName, JsonNode input, Optional<IdempotencyKey> idempotencyKey) {
        return flows.latestSaga(flowName).chain(flow -> pool.withTransaction(conn -> {
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            String requestSha = IdempotentCreate.fingerprint(json,
                    json.createObjectNode().put("flow", flowName).set("input", input));
            return conn.preparedQuery("INSERT INTO saga (id, flow, flow_version, status, input, idempotency_key, "
                            + "request_sha256, created_at, updated_at) VALUES ($1, $2, $3, 'RUNNING', $4::text::jsonb, $5, $6, $7, $7) "
                            + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id")
                    .execute(Tuple.tuple().addValue(id).addValue(flow.id().name()).addValue(flow.id().version())
                            .addValue(SqlValues.json(json, input)).addValue(idempotencyKey.map(IdempotencyKey::value).orElse(null))
                            .addValue(requestSha)
                            .addValue(SqlValues.at(now)))
                    .chain(inserted -> IdempotentCreate.settle(conn, "saga", "sagaId", id, inserted, idempotencyKey,
                            requestSha, () -> {
                                SagaState empty = SagaState.empty(id);
                                SagaDecision d = SagaDecider.decide(flow, empty, new SagaInput.Start(id, input, now));
                                return persist(conn, flow, empty, d, now);
                            }));
        }));
    }

    /** Applies a reply (or any input built from the time of the transaction) to a saga. */
    public Uni<Applied> apply(UUID sagaId, Function<Instant, SagaInput> input) {
        return pool.withTransaction(conn -> applyIn(conn, sagaId, input));
    }

    /** One input for one saga, for {@link #applyAll}. */
    public record Work(UUID sagaId, Function<Instant, SagaInput> input) {
    }

    /**
     * Applies many inputs in ONE transaction (a micro-batch: one commit for a whole poll of replies instead of one
     * per reply). Sagas are locked in id order, so two batches never wait on each other in a cycle; inputs of one
     * saga keep their order. If any input fails, nothing of the batch is written.
     */
    public Uni<List<Applied>> applyAll(List<Work> work) {
        List<Work> ordered = new ArrayList<>(work);
        ordered.sort(java.util.Comparator.comparing(Work::sagaId));   // stable: one saga's inputs keep their order
        return pool.withTransaction(conn -> {
            List<Applied> results = new ArrayList<>(ordered.size());
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Work w : ordered) {
                chain = chain.chain(() -> applyIn(conn, w.sagaId(), w.input()).invoke(results::add).replaceWithVoid());
            }
            return chain.map(ignored -> results);
        });
    }

    /** Applies an input to a saga inside the caller's transaction (e.g. a dead-letter redrive). */
    public Uni<Applied> applyIn(SqlConnection conn, UUID sagaId, Function<Instant, SagaInput> input) {
        return conn.preparedQuery("SELECT flow, flow_version FROM saga WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(sagaId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(new Applied(Optional.empty(),
                                SagaDecision.rejected("unknown saga " + sagaId)));
                    }
                    Row row = rows.iterator().next();
                    return flows.saga(row.getString("flow"), row.getInteger("flow_version"))
                            .chain(flow -> load(conn, sagaId).chain(events -> {
                                SagaState state = SagaState.replay(sagaId, events);
                                Instant now = clock.instant();
                                SagaDecision d = SagaDecider.decide(flow, state, input.apply(now));
                                return persist(conn, flow, state, d, now).map(s -> new Applied(Optional.of(s), d));
                            }));
                });
    }

    /** A timer that is due but must wait: how long it has waited bounds the wait. */
    private static final Duration DEFERRAL_STEP = Duration.ofSeconds(1);

    /**
     * Claims up to {@code limit} due timers (SKIP LOCKED: nodes never fire the same timer twice) and applies them,
     * in one transaction: a crash before commit leaves the timers in place. A step timeout whose saga's reply
     * partition has no live owner ({@code replyOwned} false) is put back for a second, up to
     * {@code sagaflow.timers.timeout-deferral-max} past its due time: its reply may be waiting unread on a dead
     * node's partition. Returns how many fired.
     */
    public Uni<Integer> fireDueTimers(int limit, Predicate<UUID> replyOwned) {
        Instant now = clock.instant();
        Instant deferUntil = now.minus(config.timers().timeoutDeferralMax());
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "DELETE FROM saga_timer WHERE (saga_id, type, step, kind, run, attempt) IN ("
                                + "SELECT saga_id, type, step, kind, run, attempt FROM saga_timer WHERE due_at <= $1 "
                                + "ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
                                + "RETURNING saga_id, type, step, kind, run, attempt, due_at, deferred_from")
                .execute(Tuple.of(SqlValues.at(now), limit))
                .chain(rows -> {
                    List<Work> work = new ArrayList<>();
                    List<Tuple> deferred = new ArrayList<>();
                    for (Row row : rows) {
                        UUID sagaId = row.getUUID("saga_id");
                        TimerKey key = new TimerKey(TimerKey.Type.valueOf(row.getString("type")), row.getString("step"),
                                CommandKind.valueOf(row.getString("kind")), row.getInteger("run"), row.getInteger("attempt"));
                        OffsetDateTime firstDue = Optional.ofNullable(row.getOffsetDateTime("deferred_from"))
                                .orElse(row.getOffsetDateTime("due_at"));
                        if (key.type() == TimerKey.Type.TIMEOUT && !replyOwned.test(sagaId)
                                && firstDue.toInstant().isAfter(deferUntil)) {
                            deferred.add(timerKey(sagaId, key).addValue(SqlValues.at(now.plus(DEFERRAL_STEP))).addValue(firstDue));
                            continue;
                        }
                        work.add(new Work(sagaId, at -> new SagaInput.TimerFired(key, at)));
                    }
                    work.sort(java.util.Comparator.comparing(Work::sagaId));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    if (!deferred.isEmpty()) {
                        chain = conn.preparedQuery("INSERT INTO saga_timer (saga_id, type, step, kind, run, attempt, due_at, "
                                + "deferred_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(deferred)
                                .invoke(() -> metrics.counter("sagaflow.timers.deferred").increment(deferred.size()))
                                .replaceWithVoid();
                    }
                    for (Work w : work) {
                        chain = chain.chain(() -> applyIn(conn, w.sagaId(), w.input()).replaceWithVoid());
                    }
                    return chain.map(ignored -> work.size());
                }));
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

    private Uni<List<SagaEvent>> load(SqlConnection conn, UUID sagaId) {
        return conn.preparedQuery("SELECT type, data::text AS data FROM saga_event WHERE saga_id = $1 ORDER BY seq")
                .execute(Tuple.of(sagaId))
                .map(rows -> {
                    List<SagaEvent> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(codec.decode(r.getString("type"), r.getString("data")));
                    }
                    return out;
                });
    }

    /** Writes one decision; returns the saga's new state. */
    private Uni<SagaState> persist(SqlConnection conn, SagaFlow flow, SagaState before, SagaDecision d, Instant now) {
        if (d.changesNothing()) {
            return Uni.createFrom().item(before);
        }
        SagaState after = before;
        List<Tuple> events = new ArrayList<>();
        for (SagaEvent e : d.events()) {
            after = after.apply(e);
            events.add(Tuple.of(before.id(), after.seq(), e.type(), codec.encode(e), SqlValues.at(now)));
        }
        SagaState state = after;
        Uni<?> chain = Uni.createFrom().voidItem();
        if (!events.isEmpty()) {
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO saga_event (saga_id, seq, type, data, recorded_at) "
                    + "VALUES ($1, $2, $3, $4::text::jsonb, $5)").executeBatch(events))
                    .chain(() -> conn.preparedQuery("UPDATE saga SET status = $2, output = $3::text::jsonb, error = $4, "
                                    + "steps = $5::text::jsonb, last_seq = $6, updated_at = $7 WHERE id = $1")
                            .execute(Tuple.tuple().addValue(state.id()).addValue(state.status().name())
                                    .addValue(state.output().map(v -> SqlValues.json(json, v)).orElse(null))
                                    .addValue(state.error().orElse(null)).addValue(stepsJson(state))
                                    .addValue(state.seq()).addValue(SqlValues.at(now))));
        }
        if (!d.commands().isEmpty()) {
            List<Outbox.Row> rows = d.commands().stream().map(c -> outboxRow(flow, state.id(), c)).toList();
            chain = chain.chain(() -> Outbox.write(conn, rows));
        }
        if (!d.cancelledTimers().isEmpty()) {
            List<Tuple> keys = d.cancelledTimers().stream().map(k -> timerKey(state.id(), k)).toList();
            chain = chain.chain(() -> conn.preparedQuery("DELETE FROM saga_timer WHERE saga_id = $1 AND type = $2 "
                    + "AND step = $3 AND kind = $4 AND run = $5 AND attempt = $6").executeBatch(keys));
        }
        if (!d.timers().isEmpty()) {
            List<Tuple> timers = d.timers().stream()
                    .map(t -> timerKey(state.id(), t.key()).addValue(SqlValues.at(t.dueAt()))).toList();
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO saga_timer (saga_id, type, step, kind, run, attempt, due_at) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (saga_id, type, step, kind, run, attempt) "
                    + "DO UPDATE SET due_at = EXCLUDED.due_at").executeBatch(timers));
        }
        chain = chain.chain(() -> deadLetterChanges(conn, before, state, d));
        return chain.map(ignored -> state);
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
        if (participant instanceof KafkaParticipant kafka) {
            topic = kafka.topic();
        } else {
            HttpParticipant http = (HttpParticipant) participant;
            topic = config.httpConnector().topic();
            url = Optional.of(http.commandUri(c.command()).toString());
            timeout = Optional.of(c.timeoutMillis());
        }
        return new Outbox.Row(c.messageId(), topic, sagaId.toString(), c.command(), Optional.of(SqlValues.json(json, c.input())),
                c.step(), c.kind().wire(), c.idempotencyKey(), config.replies().topic(), url, timeout);
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
