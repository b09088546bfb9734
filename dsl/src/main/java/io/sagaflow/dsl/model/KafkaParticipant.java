package io.sagaflow.dsl.model;

import java.util.Objects;

/** A participant that reads its commands from {@code topic} and replies on the reply topic. */
public record KafkaParticipant(String name, String topic) implements Participant {
    public KafkaParticipant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topic, "topic");
    }
}
