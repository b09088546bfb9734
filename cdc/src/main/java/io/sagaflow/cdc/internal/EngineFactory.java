package io.sagaflow.cdc.internal;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.util.Properties;
import org.apache.kafka.connect.source.SourceRecord;

/** Builds one Debezium engine; a seam so the runner's supervision is testable without a database. */
@FunctionalInterface
public interface EngineFactory {

    /** A new, not yet started engine. */
    DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> create(
            Properties properties,
            DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> consumer,
            DebeziumEngine.ConnectorCallback connectorCallback,
            DebeziumEngine.CompletionCallback completion);

    /** The real one: Debezium embedded with Kafka Connect records. */
    EngineFactory DEBEZIUM = (properties, consumer, connectorCallback, completion) ->
            DebeziumEngine.create(Connect.class)
                    .using(properties)
                    .notifying(consumer)
                    .using(connectorCallback)
                    .using(completion)
                    .build();
}
