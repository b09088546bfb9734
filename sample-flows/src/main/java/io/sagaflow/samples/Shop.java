package io.sagaflow.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The business side of the sample participants (orders, payments, inventory, shipping), independent of the
 * transport. Each command is applied at most once per Idempotency-Key: a duplicate gets the first answer again.
 *
 * <p>A saga input may carry {@code "simulate": {"<participant>": "<behaviour>"}} so the demo and the tests can
 * provoke failures: {@code fail} (business failure of the action), {@code retry:N} (the first N attempts answer
 * RETRY), {@code timeout:N} (the first N attempts get no answer; {@code timeout} = never), {@code fail-run1} (a
 * business failure on the first run only: an operator's re-run, whose Idempotency-Key carries {@code :n},
 * succeeds), and the same with a {@code compensation-} prefix for compensations and cancels, or a
 * {@code confirm-} prefix for confirms ({@code compensation-retry:N}, {@code confirm-fail}).
 */
public final class Shop {

    /** What the participant answers; {@code null} outcome means "no answer at all" (a simulated timeout). */
    public record Answer(String outcome, JsonNode body) {
        static Answer none() {
            return new Answer(null, null);
        }

        public boolean silent() {
            return outcome == null;
        }
    }

    /** One command as received, for the demo and for assertions. */
    public record Received(Instant at, String participant, String sagaId, String step, String kind,
                           String command, String idempotencyKey, String messageId, String answered) {
    }

    /** One business effect actually applied (duplicates never add one). */
    public record Effect(String participant, String command, String idempotencyKey) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Answer> firstAnswers = new ConcurrentHashMap<>();
    private final Map<String, Integer> attemptsByKey = new ConcurrentHashMap<>();
    private final List<Received> journal = new ArrayList<>();
    private final List<Effect> effects = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);

    /** Handles one command; synchronized so the journal and the effects are in arrival order. */
    public synchronized Answer handle(String participant, String command, String kind, String sagaId, String step,
                                      String idempotencyKey, String messageId, JsonNode input) {
        int attempt = attemptsByKey.merge(idempotencyKey, 1, Integer::sum);
        Answer answer = firstAnswers.get(idempotencyKey);
        if (answer == null) {
            answer = decide(participant, command, kind, idempotencyKey, attempt, input);
            if ("SUCCESS".equals(answer.outcome()) || "FAILURE".equals(answer.outcome())) {
                firstAnswers.put(idempotencyKey, answer);
                if ("SUCCESS".equals(answer.outcome())) {
                    effects.add(new Effect(participant, command, idempotencyKey));
                }
            }
        }
        journal.add(new Received(Instant.now(), participant, sagaId, step, kind, command, idempotencyKey,
                messageId, answer.silent() ? "NO ANSWER" : answer.outcome()));
        return answer;
    }

    private Answer decide(String participant, String command, String kind, String idempotencyKey, int attempt,
                          JsonNode input) {
        String behaviour = behaviourFor(input == null ? "" : input.path("simulate").path(participant).asText(""), kind);
        boolean firstRun = idempotencyKey.endsWith(":" + kind);
        if (behaviour.equals("fail") || behaviour.equals("fail-run1") && firstRun) {
            return new Answer("FAILURE", error("REFUSED", participant + " refused " + command));
        }
        if (behaviour.startsWith("retry:") && attempt <= Integer.parseInt(behaviour.substring(6))) {
            return new Answer("RETRY", error("UNAVAILABLE", participant + " is busy (attempt " + attempt + ")"));
        }
        if (behaviour.equals("timeout")
                || behaviour.startsWith("timeout:") && attempt <= Integer.parseInt(behaviour.substring(8))) {
            return Answer.none();
        }
        ObjectNode output = JSON.createObjectNode();
        switch (kind) {
            case "action", "try" -> {
                switch (participant) {
                    case "orders" -> output.put("orderNumber", ids.incrementAndGet());
                    case "payments" -> output.put("paymentId", "pay-" + ids.incrementAndGet())
                            .set("amount", input.path("amount"));
                    case "inventory" -> output.put("reservationId", "res-" + ids.incrementAndGet());
                    case "shipping" -> output.put("trackingId", "trk-" + ids.incrementAndGet());
                    default -> output.put("done", command);
                }
            }
            case "confirm" -> output.put("confirmed", command);
            default -> output.put("undone", command);
        }
        return new Answer("SUCCESS", output);
    }

    /**
     * The simulated behaviour for this kind of command: plain behaviours apply to actions and tries,
     * {@code compensation-...} to compensations and cancels, {@code confirm-...} to confirms.
     */
    private static String behaviourFor(String behaviour, String kind) {
        String prefix = switch (kind) {
            case "action", "try" -> "";
            case "confirm" -> "confirm-";
            default -> "compensation-";
        };
        if (prefix.isEmpty()) {
            return behaviour.startsWith("compensation-") || behaviour.startsWith("confirm-") ? "" : behaviour;
        }
        return behaviour.startsWith(prefix) ? behaviour.substring(prefix.length()) : "";
    }

    private static JsonNode error(String code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

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
