package io.sagaflow.dsl.model;

/** A service a saga talks to: over HTTP (through the engine's HTTP connector) or over Kafka. */
public sealed interface Participant permits HttpParticipant, KafkaParticipant {
    String name();
}
