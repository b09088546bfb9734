package io.sagaflow.dsl.model;

/** A parsed, valid flow document: one record per {@link Kind}. */
public sealed interface FlowDocument permits SagaFlow, MessageFlow, NotificationFlow, CacheSyncFlow {

    /** Name and version from the document's metadata. */
    FlowId id();

    /** The document kind as written in YAML ({@code Saga}, ...). */
    Kind kind();
}
