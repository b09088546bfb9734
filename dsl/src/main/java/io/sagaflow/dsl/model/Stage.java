package io.sagaflow.dsl.model;

import java.util.List;
import java.util.Objects;

/**
 * What runs at once: a single step, or a parallel group whose branches start together. A stage succeeds when
 * all its steps do; stages run in order.
 *
 * @param name the step's name for a single step, the group's name for a parallel group
 */
public record Stage(String name, List<Step> steps, boolean parallel) {

    public Stage {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("stage '" + name + "' has no steps");
        }
        if (!parallel && steps.size() != 1) {
            throw new IllegalArgumentException("a sequential stage has exactly one step, '" + name + "' has " + steps.size());
        }
    }

    public static Stage single(Step step) {
        return new Stage(step.name(), List.of(step), false);
    }

    public static Stage parallel(String name, List<Step> branches) {
        return new Stage(name, branches, true);
    }
}
