package io.sagaflow.engine.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.engine.internal.PageCursor;
import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.deadletter.DeadLetterSource;
import io.sagaflow.engine.deadletter.DeadLetterStore;
import io.sagaflow.engine.deadletter.NewDeadLetter;
import io.sagaflow.engine.flow.FlowRegistry;
import io.sagaflow.engine.internal.IdempotencyKey;
import io.sagaflow.engine.internal.IdempotentCreate;
import io.sagaflow.engine.internal.IdempotentCreate.Creation;
import io.sagaflow.engine.internal.SqlValues;
import io.sagaflow.engine.internal.ListQuery;
import io.sagaflow.engine.internal.Page;
import io.sagaflow.engine.internal.PageRequest;
import io.sagaflow.engine.internal.TimeOrderedIds;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The transactions around {@link Delivery}: create, claim (with the shared rate limit), record an outcome, resend.
 * Each state change is one transaction holding the notification's row lock; nothing here calls out over the network.
 */
@ApplicationScoped
public class NotificationStore {

    private static final Logger LOG = Logger.getLogger(NotificationStore.class);
    private static final String COLUMNS = "id, flow, flow_version, payload::text AS payload, status, attempts, "
            + "schedule_base, in_flight, next_attempt_at, created_at, updated_at";
    private static final String LEASE_ENDED = "no outcome recorded before the attempt's lease ended (its engine node "
            + "stopped?); the attempt is repeated";
    private static final double MILLIS_PER_SECOND = 1000.0;

    private final Pool pool;
    private final FlowRegistry flows;
    private final DeadLetterStore deadLetters;
    private final SagaflowConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public NotificationStore(Pool pool, FlowRegistry flows, DeadLetterStore deadLetters, SagaflowConfig config,
                             ObjectMapper json, Clock clock) {
        this.pool = pool;
        this.flows = flows;
        this.deadLetters = deadLetters;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /** Creates a notification on the newest version of {@code flowName}, due at once. */
    public Uni<Creation> create(String flowName, JsonNode payload, Optional<IdempotencyKey> idempotencyKey) {
        return flows.latest(flowName, NotificationFlow.class).chain(flow -> pool.withTransaction(conn -> {
            Instant now = clock.instant();
            UUID id = TimeOrderedIds.next(now);
            String requestSha = IdempotentCreate.fingerprint(json,
                    json.createObjectNode().put("flow", flowName).set("payload", payload));
            return conn.preparedQuery("INSERT INTO notification (id, flow, flow_version, payload, status, "
                            + "next_attempt_at, idempotency_key, request_sha256, created_at, updated_at) VALUES ($1, $2, "
                            + "$3, $4::text::jsonb, $5, $6, $7, $8, $6, $6) ON CONFLICT (idempotency_key) DO NOTHING "
                            + "RETURNING id")
                    .execute(Tuple.tuple().addValue(id).addValue(flow.id().name()).addValue(flow.id().version())
                            .addValue(SqlValues.json(json, payload)).addValue(NotificationStatus.PENDING.name()).addValue(SqlValues.at(now))
                            .addValue(idempotencyKey.map(IdempotencyKey::value).orElse(null)).addValue(requestSha))
                    .chain(inserted -> IdempotentCreate.settle(conn, "notification", "notificationId", id, inserted,
                            idempotencyKey, requestSha, () -> Uni.createFrom().voidItem()));
        }));
    }

    /** What one claim transaction did. */
    public record ClaimBatch(List<Claim> claims, int rateLimited) {
        public ClaimBatch {
            claims = List.copyOf(claims);
        }
    }

    /**
     * Claims up to {@code limit} due notifications (SKIP LOCKED: two nodes never claim one), each only if its
     * target's token bucket has a token. A claimed attempt is counted, its row inserted as started and the due time
     * pushed to the end of its lease, all in this transaction, so a node that stops before recording the outcome
     * leaves the attempt to be repeated once when the lease ends. A notification held back by the rate limit stays
     * due and is not counted.
     */
    public Uni<ClaimBatch> claimDue(int limit) {
        Instant now = clock.instant();
        Duration lease = config.notifications().requestTimeout().plus(config.notifications().leaseMargin());
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + COLUMNS + " FROM notification "
                        + "WHERE status = 'PENDING' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 "
                        + "FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(SqlValues.at(now), limit))
                .chain(rows -> {
                    List<Row> due = new ArrayList<>();
                    rows.forEach(due::add);
                    return flowsOf(due).chain(dueFlows -> {
                        // Buckets are locked in target order, so two nodes claiming for the same targets never wait
                        // on each other in a cycle (the sort is stable: due order within a target is kept).
                        dueFlows.sort(Comparator.comparing((Due d) -> d.flow().target().toString()));
                        List<Claim> claims = new ArrayList<>();
                        Set<String> exhausted = new HashSet<>();
                        int[] rateLimited = {0};
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (Due d : dueFlows) {
                            String target = d.flow().target().toString();
                            chain = chain.chain(() -> {
                                if (exhausted.contains(target)) {
                                    rateLimited[0]++;
                                    return Uni.createFrom().voidItem();
                                }
                                return takeToken(conn, d.flow(), now).chain(granted -> {
                                    if (!granted) {
                                        exhausted.add(target);
                                        rateLimited[0]++;
                                        return Uni.createFrom().voidItem();
                                    }
                                    return claimOne(conn, d.row(), d.flow(), now, lease).invoke(claims::add)
                                            .replaceWithVoid();
                                });
                            });
                        }
                        return chain.map(ignored -> new ClaimBatch(claims, rateLimited[0]));
                    });
                }));
    }

    /** A due row with its flow. */
    private record Due(Row row, NotificationFlow flow) {
    }

    private Uni<List<Due>> flowsOf(List<Row> rows) {
        List<Due> out = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Row row : rows) {
            chain = chain.chain(() -> flowOf(row).invoke(flow -> out.add(new Due(row, flow))).replaceWithVoid());
        }
        return chain.map(ignored -> out);
    }

    private Uni<Claim> claimOne(SqlConnection conn, Row row, NotificationFlow flow, Instant now, Duration lease) {
        UUID id = row.getUUID("id");
        NotificationState state = state(row);
        DeliveryDecision decision = Delivery.claim(state, now, lease);
        if (!(decision instanceof DeliveryDecision.Changed changed)) {
            // Selected as due under this transaction's lock, so the rules must agree; anything else is a bug.
            throw new IllegalStateException("claim of " + id + " refused: "
                    + ((DeliveryDecision.Refused) decision).reason());
        }
        NotificationState next = changed.state();
        Uni<Void> voidExpired = !state.inFlight() ? Uni.createFrom().voidItem()
                : conn.preparedQuery("UPDATE notification_attempt SET finished_at = $3, error = $4 "
                                + "WHERE notification_id = $1 AND attempt = $2 AND finished_at IS NULL")
                        .execute(Tuple.of(id, state.attempts(), SqlValues.at(now), LEASE_ENDED)).replaceWithVoid();
        return voidExpired
                .chain(() -> update(conn, id, next, now))
                .chain(() -> conn.preparedQuery("INSERT INTO notification_attempt (notification_id, attempt, started_at) "
                        + "VALUES ($1, $2, $3)").execute(Tuple.of(id, next.attempts(), SqlValues.at(now))))
                .map(ignored -> new Claim(id, flow, next.attempts(), row.getString("payload")));
    }

    /**
     * Takes one token from the target's bucket, atomically in the caller's transaction (the row lock serializes
     * nodes). The bucket refills continuously at {@code permits / per} and holds at most the permits of
     * {@code sagaflow.notifications.rate-burst}, so a window of {@code per} never sees much more than
     * {@code permits}. Times are the claiming node's clock; a refill time that would go backwards is kept.
     */
    private Uni<Boolean> takeToken(SqlConnection conn, NotificationFlow flow, Instant now) {
        if (flow.rateLimit().isEmpty()) {
            return Uni.createFrom().item(true);
        }
        io.sagaflow.dsl.model.RateLimit limit = flow.rateLimit().get();
        double perSecond = limit.permits() * MILLIS_PER_SECOND / limit.per().toMillis();
        double capacity = Math.max(1.0, limit.permits() * (double) config.notifications().rateBurst().toMillis()
                / limit.per().toMillis());
        String target = flow.target().toString();
        String refilled = "least($2::float8, tokens + greatest(0, extract(epoch FROM ($3::timestamptz - refilled_at)))"
                + "::float8 * $4::float8)";
        return conn.preparedQuery("INSERT INTO notification_rate (target, tokens, refilled_at) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (target) DO NOTHING")
                .execute(Tuple.of(target, capacity, SqlValues.at(now)))
                .chain(() -> conn.preparedQuery("UPDATE notification_rate SET tokens = " + refilled + " - 1, "
                                + "refilled_at = greatest(refilled_at, $3::timestamptz) WHERE target = $1 AND " + refilled
                                + " >= 1 RETURNING tokens")
                        .execute(Tuple.of(target, capacity, SqlValues.at(now), perSecond)))
                .map(rows -> rows.size() == 1);
    }

    /** What recording an outcome did to the notification. */
    public enum Recorded {
        /** The target accepted it. */
        DELIVERED,
        /** A failed attempt; the next one is scheduled. */
        RETRY_SCHEDULED,
        /** A failed attempt that spent the schedule: GAVE_UP and dead-lettered. */
        GAVE_UP,
        /** The outcome came too late to change anything (kept in the attempt's row). */
        IGNORED
    }

    /**
     * Records the outcome of a claimed attempt in one transaction: the attempt's row, then what {@link Delivery}
     * decides; the dead letter of a give-up, or the settling of a pending redrive, in that same transaction.
     */
    public Uni<Recorded> record(Claim claim, AttemptResult result) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + COLUMNS + " FROM notification WHERE id = $1 "
                        + "FOR UPDATE")
                .execute(Tuple.of(claim.notificationId()))
                .chain(rows -> {
                    Instant now = clock.instant();
                    Row row = rows.iterator().next();
                    NotificationState state = state(row);
                    String error = errorOf(claim.flow(), result);
                    Integer httpStatus = result instanceof AttemptResult.Answered a ? a.httpStatus() : null;
                    // The row keeps what really happened, also for an attempt whose lease had already ended.
                    Uni<Void> attemptRow = conn.preparedQuery("UPDATE notification_attempt SET finished_at = $3, "
                                    + "http_status = $4, latency_ms = $5, error = CASE WHEN finished_at IS NULL THEN $6 "
                                    + "ELSE coalesce($6 || ' | ', '') || 'answered after its lease ended' END "
                                    + "WHERE notification_id = $1 AND attempt = $2")
                            .execute(Tuple.tuple().addValue(claim.notificationId()).addValue(claim.attempt())
                                    .addValue(SqlValues.at(now)).addValue(httpStatus).addValue(result.latency().toMillis())
                                    .addValue(error))
                            .replaceWithVoid();
                    DeliveryDecision decision = Delivery.answer(claim.flow(), state, claim.attempt(), result, now);
                    if (decision instanceof DeliveryDecision.Refused refused) {
                        LOG.debugf("notification %s: %s", claim.notificationId(), refused.reason());
                        return attemptRow.replaceWith(Recorded.IGNORED);
                    }
                    NotificationState next = ((DeliveryDecision.Changed) decision).state();
                    String origin = claim.notificationId().toString();
                    return attemptRow.chain(() -> update(conn, claim.notificationId(), next, now)).chain(() -> {
                        if (next.status() == NotificationStatus.DELIVERED) {
                            return deadLetters.originSucceeded(conn, DeadLetterSource.NOTIFICATION, origin,
                                    "delivered at attempt " + claim.attempt()).replaceWith(Recorded.DELIVERED);
                        }
                        if (next.status() == NotificationStatus.GAVE_UP) {
                            return deadLetters.record(conn, new NewDeadLetter(DeadLetterSource.NOTIFICATION, origin,
                                    Optional.of(claim.flow().id().name()), "gave-up",
                                    "schedule of " + claim.flow().maxAttempts() + " attempts spent; last: " + error,
                                    Optional.of(row.getString("payload")),
                                    Map.of("target", claim.flow().target().toString()),
                                    next.scheduledAttempts())).replaceWith(Recorded.GAVE_UP);
                        }
                        return Uni.createFrom().item(Recorded.RETRY_SCHEDULED);
                    });
                }));
    }

    private static String errorOf(NotificationFlow flow, AttemptResult result) {
        if (result instanceof AttemptResult.Failed f) {
            return f.error();
        }
        int status = ((AttemptResult.Answered) result).httpStatus();
        return flow.success().accepts(status) ? null
                : "HTTP " + status + " is not a success status (success: " + flow.success().statuses() + ")";
    }

    /**
     * Resends a DELIVERED or GAVE_UP notification with a fresh schedule (first attempt due now). Through the API
     * ({@code resolveDeadLetter}) its OPEN dead letter, if any, is resolved in the same transaction.
     */
    public Uni<Void> resend(UUID id, boolean resolveDeadLetter, String by) {
        return pool.withTransaction(conn -> resendIn(conn, id).chain(() -> resolveDeadLetter
                ? deadLetters.resolve(conn, DeadLetterSource.NOTIFICATION, id.toString(),
                "resent by " + by + " (POST /api/notifications/" + id + "/resend)")
                : Uni.createFrom().voidItem()));
    }

    /** {@link #resend} in the caller's transaction (a dead-letter redrive); refusals are {@link DomainFailure}s. */
    public Uni<Void> resendIn(SqlConnection conn, UUID id) {
        return conn.preparedQuery("SELECT " + COLUMNS + " FROM notification WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(unknown(id));
                    }
                    Instant now = clock.instant();
                    DeliveryDecision decision = Delivery.resend(state(rows.iterator().next()), now);
                    if (decision instanceof DeliveryDecision.Refused refused) {
                        return Uni.createFrom().failure(new DomainFailure.Conflict("notification-pending",
                                "Notification still pending", refused.reason()));
                    }
                    return update(conn, id, ((DeliveryDecision.Changed) decision).state(), now);
                });
    }

    /** One notification with its attempts. */
    public Uni<Optional<Notification>> get(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM notification WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    List<Row> found = new ArrayList<>();
                    rows.forEach(found::add);
                    return views(pool, found).map(list -> list.stream().findFirst());
                });
    }

    /** Notifications, newest first, after the cursor if any; empty filters match everything. */
    public Uni<Page<Notification>> list(Optional<NotificationStatus> status, Optional<String> flow,
                                        PageRequest page) {
        return ListQuery.newestFirst("notification", COLUMNS)
                .equal("status", status.map(Enum::name))
                .equal("flow", flow)
                .fetch(pool, page).chain(rows -> {
            List<Row> found = new ArrayList<>();
            rows.forEach(found::add);
            return views(pool, found).map(list -> Page.of(list, page, n -> new PageCursor(n.createdAt(), n.id())));
        });
    }

    /** The views of {@code rows} with their attempts, read in one query. */
    private Uni<List<Notification>> views(SqlClient client, List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = rows.stream().map(r -> r.getUUID("id")).toArray(UUID[]::new);
        return client.preparedQuery("SELECT * FROM notification_attempt WHERE notification_id = ANY($1) "
                        + "ORDER BY notification_id, attempt")
                .execute(Tuple.of(ids))
                .map(attemptRows -> {
                    Map<UUID, List<Notification.Attempt>> attempts = new LinkedHashMap<>();
                    for (Row a : attemptRows) {
                        attempts.computeIfAbsent(a.getUUID("notification_id"), k -> new ArrayList<>())
                                .add(new Notification.Attempt(a.getInteger("attempt"),
                                        a.getOffsetDateTime("started_at").toInstant(),
                                        Optional.ofNullable(a.getOffsetDateTime("finished_at")).map(OffsetDateTime::toInstant),
                                        Optional.ofNullable(a.getInteger("http_status")),
                                        Optional.ofNullable(a.getLong("latency_ms")),
                                        Optional.ofNullable(a.getString("error"))));
                    }
                    return rows.stream().map(r -> new Notification(r.getUUID("id"), r.getString("flow"),
                            r.getInteger("flow_version"), NotificationStatus.valueOf(r.getString("status")),
                            SqlValues.tree(json, r.getString("payload")), attempts.getOrDefault(r.getUUID("id"), List.of()),
                            r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(),
                            Optional.ofNullable(r.getOffsetDateTime("next_attempt_at")).map(OffsetDateTime::toInstant)))
                            .toList();
                });
    }

    private Uni<NotificationFlow> flowOf(Row row) {
        return flows.at(row.getString("flow"), row.getInteger("flow_version"), NotificationFlow.class);
    }

    private static Uni<Void> update(SqlConnection conn, UUID id, NotificationState s, Instant now) {
        return conn.preparedQuery("UPDATE notification SET status = $2, attempts = $3, schedule_base = $4, "
                        + "in_flight = $5, next_attempt_at = $6, updated_at = $7 WHERE id = $1")
                .execute(Tuple.tuple().addValue(id).addValue(s.status().name()).addValue(s.attempts())
                        .addValue(s.scheduleBase()).addValue(s.inFlight())
                        .addValue(s.nextAttemptAt().map(SqlValues::at).orElse(null)).addValue(SqlValues.at(now)))
                .replaceWithVoid();
    }

    private static NotificationState state(Row r) {
        return new NotificationState(NotificationStatus.valueOf(r.getString("status")), r.getInteger("attempts"),
                r.getInteger("schedule_base"), r.getBoolean("in_flight"),
                Optional.ofNullable(r.getOffsetDateTime("next_attempt_at")).map(OffsetDateTime::toInstant));
    }

    static DomainFailure unknown(UUID id) {
        return new DomainFailure.NotFound("unknown-notification", "no notification " + id);
    }



}
