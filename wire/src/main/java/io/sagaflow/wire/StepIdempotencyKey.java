package io.sagaflow.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * The Idempotency-Key of a command (SPEC §5): {@code {sagaId}:{step}:{kind}}, the same on every attempt, so a
 * participant answers a retry with the first outcome; {@code :{n}} is appended when an operator re-runs the step
 * (n = 2, 3, ...), so the participant's barrier runs it again instead of replaying the old outcome. Sent as
 * {@link KafkaHeader#IDEMPOTENCY_KEY} or {@link HttpHeader#IDEMPOTENCY_KEY}.
 */
public final class StepIdempotencyKey {

    private StepIdempotencyKey() {
    }

    /**
     * The key of run {@code run} of a step's command kind.
     *
     * @param run 1 for the first run (no suffix), n >= 2 for an operator's re-run
     */
    public static String of(String sagaId, String step, CommandKind kind, int run) {
        Objects.requireNonNull(kind, "kind must not be null");
        if (run < 1) {
            throw new IllegalArgumentException("run must be >= 1, was " + run);
        }
        String key = sagaId + ":" + step + ":" + kind.wire();
        return run >= 2 ? key + ":" + run : key;
    }

    /**
     * The run suffix of {@code key} as sent (the digits after {@code {sagaId}:{step}:{kind}:}), when {@code key}
     * is the key of a re-run of that step's kind; empty for a first run's key or a key of another form.
     */
    public static Optional<String> runSuffix(String key, String sagaId, String step, CommandKind kind) {
        String prefix = prefix(sagaId, step, kind);
        if (key == null || !key.startsWith(prefix)) {
            return Optional.empty();
        }
        String run = key.substring(prefix.length());
        return run.matches("[0-9]+") ? Optional.of(run) : Optional.empty();
    }

    private static String prefix(String sagaId, String step, CommandKind kind) {
        return sagaId + ":" + step + ":" + kind.wire() + ":";
    }
}
