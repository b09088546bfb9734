package io.sagaflow.dsl.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One sequential step of a saga: a command sent forward and, optionally, the command that undoes it.
 * A step without compensation is a pivot: it is never undone.
 *
 * @param timeout limit of one attempt; no reply within it counts as a failed attempt
 */
public record Step(
        String name,
        String participant,
        String action,
        Optional<String> compensation,
        Optional<InputTemplate> input,
        RetryPolicy retry,
        Duration timeout) {

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(compensation, "compensation");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("step '" + name + "': timeout must be > 0, was " + timeout);
        }
    }

    /** The command of the given kind, if the step has one. */
    public Optional<String> command(CommandKind kind) {
        return switch (kind) {
            case ACTION -> Optional.of(action);
            case COMPENSATION -> compensation;
        };
    }
}
