package io.sagaflow.participant;

import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.StepIdempotencyKey;
import java.util.Objects;

/**
 * Everything a command says about itself besides its input.
 *
 * @param sagaId         the saga
 * @param step           the step of the flow
 * @param kind           action, compensation, try, confirm or cancel
 * @param command        the participant's command name
 * @param messageId      the id of this attempt's message: header {@code sagaflow-message-id} on Kafka,
 *                       {@code Sagaflow-Message-Id} over HTTP; empty when the caller sent none
 * @param idempotencyKey {@code {sagaId}:{step}:{kind}[:n]}, the same on every attempt of one run
 */
public record CommandContext(String sagaId, String step, CommandKind kind, String command, String messageId,
                             String idempotencyKey) {

    /** Checks that the fields the barrier keys on are present. */
    public CommandContext {
        requireText(sagaId, "sagaId");
        requireText(step, "step");
        Objects.requireNonNull(kind, "kind must not be null");
        requireText(command, "command");
        Objects.requireNonNull(messageId, "messageId must not be null (empty when there is none)");
        requireText(idempotencyKey, "idempotencyKey");
    }

    /** The barrier's branch: the step. Every run of every kind of one step meets in it. */
    public String branch() {
        return step;
    }

    /**
     * The barrier's operation: the kind plus the operator's run suffix of the Idempotency-Key ({@code :n}, n >= 2),
     * so an operator re-run of a compensation, cancel or confirm is a new operation that does not replay the refused
     * first run — while it still meets its action's row in the same branch (an action that never ran stays an empty
     * compensation on every run).
     */
    public String op() {
        return StepIdempotencyKey.runSuffix(idempotencyKey, sagaId, step, kind)
                .map(run -> kind.wire() + ":" + run)
                .orElse(kind.wire());
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, was " + (value == null ? "null" : "'" + value + "'"));
        }
    }
}
