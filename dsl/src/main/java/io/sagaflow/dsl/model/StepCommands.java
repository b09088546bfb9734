package io.sagaflow.dsl.model;

import java.util.Objects;
import java.util.Optional;

/** The commands of one step: either an action with an optional compensation, or a TCC triple. */
public sealed interface StepCommands permits StepCommands.Compensable, StepCommands.Tcc {

    /** The command sent forward: the action, or the try. */
    String forward();

    /**
     * An action and the command that undoes it. Without compensation the step is a pivot: never undone.
     */
    record Compensable(String action, Optional<String> compensation) implements StepCommands {
        public Compensable {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(compensation, "compensation");
        }

        @Override
        public String forward() {
            return action;
        }
    }

    /**
     * Try-Confirm-Cancel: the try reserves, the confirm makes it final once every step of the saga succeeded,
     * the cancel releases it when the saga turns back (also for a try whose outcome is unknown).
     */
    record Tcc(String tryCommand, String confirm, String cancel) implements StepCommands {
        public Tcc {
            Objects.requireNonNull(tryCommand, "try");
            Objects.requireNonNull(confirm, "confirm");
            Objects.requireNonNull(cancel, "cancel");
        }

        @Override
        public String forward() {
            return tryCommand;
        }
    }
}
