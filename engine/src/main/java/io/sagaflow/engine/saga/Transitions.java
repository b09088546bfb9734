package io.sagaflow.engine.saga;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Every status change a saga or a step may make, declared once as data. {@code TransitionsTest} checks that
 * the rules of {@link SagaDecider} stay inside this table and renders it to {@code docs/saga-states.md}.
 */
public final class Transitions {

    public static final Map<SagaStatus, Set<SagaStatus>> SAGA = new EnumMap<>(SagaStatus.class);
    public static final Map<StepStatus, Set<StepStatus>> STEP = new EnumMap<>(StepStatus.class);

    static {
        // RUNNING -> FAILED: a confirm was refused or ran out of attempts.
        SAGA.put(SagaStatus.RUNNING, EnumSet.of(SagaStatus.COMPLETED, SagaStatus.COMPENSATING, SagaStatus.FAILED));
        SAGA.put(SagaStatus.COMPENSATING, EnumSet.of(SagaStatus.COMPENSATED, SagaStatus.FAILED));
        SAGA.put(SagaStatus.COMPLETED, EnumSet.noneOf(SagaStatus.class));
        SAGA.put(SagaStatus.COMPENSATED, EnumSet.noneOf(SagaStatus.class));
        // An operator's retry or skip resumes a FAILED saga where it stopped.
        SAGA.put(SagaStatus.FAILED, EnumSet.of(SagaStatus.COMPENSATING, SagaStatus.RUNNING));

        STEP.put(StepStatus.PENDING, EnumSet.of(StepStatus.RUNNING));
        // RUNNING -> COMPENSATING: a branch still running when the saga turned back (outcome unknown) is undone;
        // RUNNING -> FAILED: business failure, spent attempts, or such a branch that has nothing to undo.
        STEP.put(StepStatus.RUNNING, EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.COMPENSATING));
        STEP.put(StepStatus.SUCCEEDED, EnumSet.of(StepStatus.COMPENSATING, StepStatus.CONFIRMED, StepStatus.SKIPPED));
        // FAILED -> COMPENSATING: outcome unknown (attempts spent), or an operator retries a failed compensation.
        STEP.put(StepStatus.FAILED, EnumSet.of(StepStatus.COMPENSATING, StepStatus.SKIPPED));
        STEP.put(StepStatus.COMPENSATING, EnumSet.of(StepStatus.COMPENSATED, StepStatus.CANCELLED, StepStatus.FAILED));
        STEP.put(StepStatus.COMPENSATED, EnumSet.noneOf(StepStatus.class));
        STEP.put(StepStatus.CONFIRMED, EnumSet.noneOf(StepStatus.class));
        STEP.put(StepStatus.CANCELLED, EnumSet.noneOf(StepStatus.class));
        STEP.put(StepStatus.SKIPPED, EnumSet.noneOf(StepStatus.class));
    }

    private Transitions() {
    }

    public static boolean allowed(SagaStatus from, SagaStatus to) {
        return from == to || SAGA.get(from).contains(to);
    }

    public static boolean allowed(StepStatus from, StepStatus to) {
        return from == to || STEP.get(from).contains(to);
    }

    /** The table as two Mermaid state diagrams. */
    public static String renderMermaid() {
        StringBuilder out = new StringBuilder();
        out.append("# Saga and step states\n\n");
        out.append("Generated from `Transitions.java` by `TransitionsTest`; do not edit by hand.\n\n");
        out.append("## Saga\n\n```mermaid\nstateDiagram-v2\n    [*] --> RUNNING\n");
        SAGA.forEach((from, tos) -> tos.forEach(to -> out.append("    ").append(from).append(" --> ").append(to).append('\n')));
        out.append("```\n\n## Step\n\n```mermaid\nstateDiagram-v2\n    [*] --> PENDING\n");
        STEP.forEach((from, tos) -> tos.forEach(to -> out.append("    ").append(from).append(" --> ").append(to).append('\n')));
        out.append("```\n");
        return out.toString();
    }
}
