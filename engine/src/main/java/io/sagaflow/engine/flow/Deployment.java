package io.sagaflow.engine.flow;

/** The result of deploying a document: {@code created} is false when the same content was already deployed. */
public record Deployment(String kind, String name, int version, boolean created) {
}
