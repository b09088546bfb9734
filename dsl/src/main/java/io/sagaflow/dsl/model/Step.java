package io.sagaflow.dsl.model;

import io.sagaflow.wire.CommandKind;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a saga: a participant and its commands ({@link StepCommands}).
 *
 * @param timeout limit of one attempt; no reply within it counts as a failed attempt
 */
public record Step(
        String name,
        String participant,
        StepCommands commands,
        Optional<InputTemplate> input,
        RetryPolicy retry,
        Duration timeout) {

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("step '" + name + "': timeout must be > 0, was " + timeout);
        }
    }

    /** An action step with an optional compensation. */
    public Step(String name, String participant, String action, Optional<String> compensation,
                Optional<InputTemplate> input, RetryPolicy retry, Duration timeout) {
        this(name, participant, new StepCommands.Compensable(action, compensation), input, retry, timeout);
    }

    public boolean isTcc() {
        return commands instanceof StepCommands.Tcc;
    }

    /** The kind of the forward command: ACTION, or TRY for a TCC step. */
    public CommandKind forwardKind() {
        return isTcc() ? CommandKind.TRY : CommandKind.ACTION;
    }

    /** The kind of the command that undoes the step, if it has one: COMPENSATION, or CANCEL for TCC. */
    public Optional<CommandKind> undoKind() {
        if (commands instanceof StepCommands.Compensable c) {
            return c.compensation().map(x -> CommandKind.COMPENSATION);
        }
        return Optional.of(CommandKind.CANCEL);
    }

    /** The forward command (action or try). */
    public String action() {
        return commands.forward();
    }

    /** The compensation of an action step; empty for pivots and TCC steps. */
    public Optional<String> compensation() {
        return commands instanceof StepCommands.Compensable c ? c.compensation() : Optional.empty();
    }

    /** The command of the given kind, if the step has one. */
    public Optional<String> command(CommandKind kind) {
        if (commands instanceof StepCommands.Compensable c) {
            return switch (kind) {
                case ACTION -> Optional.of(c.action());
                case COMPENSATION -> c.compensation();
                default -> Optional.empty();
            };
        }
        StepCommands.Tcc t = (StepCommands.Tcc) commands;
        return switch (kind) {
            case TRY -> Optional.of(t.tryCommand());
            case CONFIRM -> Optional.of(t.confirm());
            case CANCEL -> Optional.of(t.cancel());
            default -> Optional.empty();
        };
    }
}
