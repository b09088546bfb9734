package io.sagaflow.dsl.model;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A {@code kind: Saga} document: participants and the stages (steps or parallel groups) that run in order. */
public record SagaFlow(FlowId id, Map<String, Participant> participants, List<Stage> stages) implements FlowDocument {

    public SagaFlow {
        Objects.requireNonNull(id, "id");
        participants = Map.copyOf(participants);
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("saga " + id + " has no steps");
        }
        Set<String> names = new HashSet<>();
        for (Stage stage : stages) {
            for (Step step : stage.steps()) {
                if (!participants.containsKey(step.participant())) {
                    throw new IllegalArgumentException(
                            "step '" + step.name() + "' names unknown participant '" + step.participant() + "'");
                }
                if (!names.add(step.name())) {
                    throw new IllegalArgumentException("step name '" + step.name() + "' is used twice");
                }
            }
        }
    }

    /** A saga whose steps run one after the other. */
    public static SagaFlow sequential(FlowId id, Map<String, Participant> participants, List<Step> steps) {
        return new SagaFlow(id, participants, steps.stream().map(Stage::single).toList());
    }

    @Override
    public Kind kind() {
        return Kind.SAGA;
    }

    /** Every step, in flow order (branches of a group in the order written). */
    public List<Step> steps() {
        return stages.stream().flatMap(s -> s.steps().stream()).toList();
    }

    public Optional<Step> step(String name) {
        return steps().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Index of the stage holding the step. */
    public int stageIndexOf(String stepName) {
        for (int i = 0; i < stages.size(); i++) {
            for (Step s : stages.get(i).steps()) {
                if (s.name().equals(stepName)) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("no step '" + stepName + "' in " + id);
    }

    public Participant participantOf(Step step) {
        return participants.get(step.participant());
    }
}
