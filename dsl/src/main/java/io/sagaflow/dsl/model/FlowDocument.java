package io.sagaflow.dsl.model;

/** A parsed, valid flow document. Only {@link SagaFlow} exists so far; Message, Notification and CacheSync follow. */
public sealed interface FlowDocument permits SagaFlow {

    /** Name and version from the document's metadata. */
    FlowId id();

    /** The document kind as written in YAML ({@code Saga}, ...). */
    Kind kind();
}
