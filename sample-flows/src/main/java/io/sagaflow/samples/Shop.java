package io.sagaflow.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.participant.BusinessFailure;
import io.sagaflow.participant.CommandContext;
import io.sagaflow.participant.CommandHandler;
import io.sagaflow.participant.CommandResult;
import io.sagaflow.participant.JdbcBarrier;
import io.sagaflow.participant.KafkaParticipantRunner;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.StepIdempotencyKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The business side of the sample participants (orders, payments, inventory, shipping), independent of the
 * transport. Each command runs under the participant SDK's barrier ({@link JdbcBarrier}, table
 * {@code sagaflow_barrier} in the participants' own PostgreSQL database): it is applied at most once per
 * Idempotency-Key, a duplicate gets the first answer again, an empty compensation succeeds without running and a
 * hanging action is refused (docs/participants.md).
 *
 * <p>A saga input may carry {@code "simulate": {"<participant>": "<behaviour>"}} so the demo and the tests can
 * provoke failures: {@code fail} (business failure of the action), {@code retry:N} (the first N attempts answer
 * RETRY), {@code timeout:N} (the first N attempts get no answer; {@code timeout} = never), {@code delay:MS} (answers
 * normally after MS milliseconds), {@code fail-run1} (a
 * business failure on the first run only: an operator's re-run, whose Idempotency-Key carries {@code :n},
 * succeeds), and the same with a {@code compensation-} prefix for compensations and cancels, or a
 * {@code confirm-} prefix for confirms ({@code compensation-retry:N}, {@code confirm-fail}). Transient trouble
 * ({@code retry}, {@code timeout}) is decided before the barrier, like a participant that is down: nothing is
 * kept. Business failures are thrown by the business method as {@link BusinessFailure}, so the barrier records
 * them and answers every duplicate with the same failure.
 */
public final class Shop {

    /** One command as received, for the demo and for assertions. */
    public record Received(Instant at, String participant, String sagaId, String step, String kind,
                           String command, String idempotencyKey, String messageId, String answered) {
        Received withAnswer(String answer) {
            return new Received(at, participant, sagaId, step, kind, command, idempotencyKey, messageId, answer);
        }
    }

    /** One business effect actually applied and committed (duplicates never add one). */
    public record Effect(String participant, String command, String idempotencyKey) {
    }

    static final String NO_ANSWER = "NO ANSWER";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcBarrier barrier;
    /** Attempts per Idempotency-Key, for the {@code retry:N} and {@code timeout:N} knobs only (not for dedupe). */
    private final Map<String, Integer> attemptsByKey = new ConcurrentHashMap<>();
    private final List<Received> journal = new ArrayList<>();
    private final List<Effect> effects = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);

    /** A shop on the participants' database, where {@code sagaflow_barrier} must exist. */
    public Shop(DataSource database) {
        this.barrier = new JdbcBarrier(database);
    }

    /**
     * The participant {@code name} as an SDK command handler. A simulated timeout completes the stage with
     * {@link KafkaParticipantRunner.NoReply}: the Kafka runner then produces no reply, the HTTP endpoint holds
     * the request.
     */
    public CommandHandler participant(String name) {
        return (ctx, input) -> handle(name, ctx, input);
    }

    private CompletionStage<CommandResult> handle(String participant, CommandContext ctx, JsonNode input) {
        // Journaled before the barrier, so every attempt that reached the participant is listed, duplicates too.
        int entry = receive(participant, ctx);
        int attempt = attemptsByKey.merge(ctx.idempotencyKey(), 1, Integer::sum);
        String simulated = behaviourFor(input == null ? "" : input.path("simulate").path(participant).asText(""),
                ctx.kind());
        if (simulated.startsWith("delay:")) {
            // A participant that takes its time (then answers normally): the tests' slow but healthy service.
            sleep(Long.parseLong(simulated.substring(6)));
        }
        String behaviour = simulated.startsWith("delay:") ? "" : simulated;
        if (behaviour.startsWith("retry:") && attempt <= Integer.parseInt(behaviour.substring(6))) {
            CommandResult busy = new CommandResult.Retry(participant + " is busy (attempt " + attempt + ")");
            answered(entry, busy.outcome().wire());
            return CompletableFuture.completedFuture(busy);
        }
        if (behaviour.equals("timeout")
                || behaviour.startsWith("timeout:") && attempt <= Integer.parseInt(behaviour.substring(8))) {
            answered(entry, NO_ANSWER);
            return CompletableFuture.failedFuture(
                    new KafkaParticipantRunner.NoReply("simulated timeout of " + ctx.idempotencyKey()));
        }
        AtomicBoolean ran = new AtomicBoolean();
        CommandResult result = barrier.run(ctx, input, (c, in, tx) -> {
            ran.set(true);
            return apply(participant, behaviour, c, in);
        });
        if (ran.get() && result instanceof CommandResult.Success) {
            // Added once the barrier committed: a duplicate (replayed, method not run) or a rollback adds nothing.
            applied(new Effect(participant, ctx.command(), ctx.idempotencyKey()));
        }
        answered(entry, result.outcome().wire());
        return CompletableFuture.completedFuture(result);
    }

    /** The business method: runs inside the barrier's transaction, at most once per Idempotency-Key. */
    private JsonNode apply(String participant, String behaviour, CommandContext ctx, JsonNode input) {
        boolean firstRun = StepIdempotencyKey.runSuffix(ctx.idempotencyKey(), ctx.sagaId(), ctx.step(), ctx.kind()).isEmpty();
        if (behaviour.equals("fail") || behaviour.equals("fail-run1") && firstRun) {
            throw new BusinessFailure("REFUSED", participant + " refused " + ctx.command());
        }
        ObjectNode output = JSON.createObjectNode();
        switch (ctx.kind()) {
            case ACTION, TRY -> {
                switch (participant) {
                    case "orders" -> output.put("orderNumber", ids.incrementAndGet());
                    case "payments" -> output.put("paymentId", "pay-" + ids.incrementAndGet())
                            .set("amount", input.path("amount"));
                    case "inventory" -> output.put("reservationId", "res-" + ids.incrementAndGet());
                    case "shipping" -> output.put("trackingId", "trk-" + ids.incrementAndGet());
                    default -> output.put("done", ctx.command());
                }
            }
            case CONFIRM -> output.put("confirmed", ctx.command());
            default -> output.put("undone", ctx.command());
        }
        return output;
    }

    /**
     * The simulated behaviour for this kind of command: plain behaviours apply to actions and tries,
     * {@code compensation-...} to compensations and cancels, {@code confirm-...} to confirms.
     */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String behaviourFor(String behaviour, CommandKind kind) {
        String prefix = switch (kind) {
            case ACTION, TRY -> "";
            case CONFIRM -> "confirm-";
            default -> "compensation-";
        };
        if (prefix.isEmpty()) {
            return behaviour.startsWith("compensation-") || behaviour.startsWith("confirm-") ? "" : behaviour;
        }
        return behaviour.startsWith(prefix) ? behaviour.substring(prefix.length()) : "";
    }

    private synchronized int receive(String participant, CommandContext ctx) {
        journal.add(new Received(Instant.now(), participant, ctx.sagaId(), ctx.step(), ctx.kind().wire(),
                ctx.command(), ctx.idempotencyKey(), ctx.messageId(), null));
        return journal.size() - 1;
    }

    private synchronized void answered(int entry, String answer) {
        journal.set(entry, journal.get(entry).withAnswer(answer));
    }

    private synchronized void applied(Effect effect) {
        effects.add(effect);
    }

    /** Every command received, in arrival order; {@code answered} is null while it is being handled. */
    public synchronized List<Received> journal() {
        return List.copyOf(journal);
    }

    public synchronized List<Effect> effects() {
        return List.copyOf(effects);
    }

    /** Commands of one saga, as {@code participant:command} in arrival order. */
    public synchronized List<String> commandsOf(String sagaId) {
        return journal.stream().filter(r -> r.sagaId().equals(sagaId))
                .map(r -> r.participant() + ":" + r.command()).toList();
    }
}
