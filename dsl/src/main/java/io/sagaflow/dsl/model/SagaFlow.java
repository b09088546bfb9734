package io.sagaflow.dsl.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A {@code kind: Saga} document: participants and the steps that run in order. */
public record SagaFlow(FlowId id, Map<String, Participant> participants, List<Step> steps) implements FlowDocument {

    public SagaFlow {
        Objects.requireNonNull(id, "id");
        participants = Map.copyOf(participants);
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("saga " + id + " has no steps");
        }
        for (Step step : steps) {
            if (!participants.containsKey(step.participant())) {
                throw new IllegalArgumentException(
                        "step '" + step.name() + "' names unknown participant '" + step.participant() + "'");
            }
        }
    }

    @Override
    public Kind kind() {
        return Kind.SAGA;
    }

    public Optional<Step> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Participant participantOf(Step step) {
        return participants.get(step.participant());
    }
}
