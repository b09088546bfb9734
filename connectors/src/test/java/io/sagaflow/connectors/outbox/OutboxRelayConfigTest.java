package io.sagaflow.connectors.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.cdc.internal.DebeziumProperties;
import io.sagaflow.config.SagaflowConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay's Debezium properties, key for key what it ran with before it moved onto the cdc runner. */
class OutboxRelayConfigTest {

    private static final SagaflowConfig.Relay DEFAULTS = new SagaflowConfig.Relay() {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String slot() {
            return "sagaflow_outbox";
        }

        @Override
        public String publication() {
            return "sagaflow_outbox";
        }

        @Override
        public boolean directSend() {
            return true;
        }

        @Override
        public Duration pollInterval() {
            return Duration.ofMillis(10);
        }

        @Override
        public Duration offsetFlushInterval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration leadershipCheck() {
            return Duration.ofSeconds(1);
        }

        @Override
        public String offsetTable() {
            return "sagaflow_relay_offsets";
        }
    };

    @Test
    void relaysTheOutboxThroughTheEventRouterWithTheSagaflowHeaders() {
        JdbcTarget db = JdbcTarget.parse("jdbc:postgresql://127.0.0.1:5432/sagaflow", "postgres", "");
        Map<String, String> p = new HashMap<>();
        DebeziumProperties.of(OutboxRelay.cdcConfig(DEFAULTS, db)).forEach((k, v) -> p.put((String) k, (String) v));

        assertThat(p).isEqualTo(Map.ofEntries(
                Map.entry("name", "sagaflow-outbox-sagaflow_outbox"),
                Map.entry("connector.class", "io.debezium.connector.postgresql.PostgresConnector"),
                Map.entry("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore"),
                Map.entry("offset.storage.jdbc.connection.url", "jdbc:postgresql://127.0.0.1:5432/sagaflow"),
                Map.entry("offset.storage.jdbc.connection.user", "postgres"),
                Map.entry("offset.storage.jdbc.connection.password", "unused"),
                Map.entry("offset.storage.jdbc.table.name", "sagaflow_relay_offsets"),
                Map.entry("offset.storage.jdbc.connection.retry.max.attempts", "1"),
                Map.entry("offset.storage.jdbc.connection.wait.retry.delay.ms", "500"),
                Map.entry("offset.flush.interval.ms", "1000"),
                Map.entry("database.hostname", "127.0.0.1"),
                Map.entry("database.port", "5432"),
                Map.entry("database.user", "postgres"),
                Map.entry("database.password", ""),
                Map.entry("database.dbname", "sagaflow"),
                Map.entry("topic.prefix", "sagaflow"),
                Map.entry("plugin.name", "pgoutput"),
                Map.entry("slot.name", "sagaflow_outbox"),
                Map.entry("publication.name", "sagaflow_outbox"),
                Map.entry("publication.autocreate.mode", "disabled"),
                Map.entry("offset.mismatch.strategy", "trust_slot"),
                Map.entry("table.include.list", "public.sagaflow_outbox"),
                Map.entry("snapshot.mode", "no_data"),
                Map.entry("poll.interval.ms", "10"),
                Map.entry("transforms", "outbox"),
                Map.entry("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter"),
                Map.entry("transforms.outbox.route.by.field", "aggregatetype"),
                Map.entry("transforms.outbox.route.topic.replacement", "${routedByValue}"),
                Map.entry("transforms.outbox.table.fields.additional.placement",
                        "aggregateid:header:sagaflow-saga-id,type:header:sagaflow-command,id:header:sagaflow-message-id,"
                                + "step:header:sagaflow-step,kind:header:sagaflow-kind,"
                                + "idempotency_key:header:sagaflow-idempotency-key,reply_to:header:sagaflow-reply-to,"
                                + "http_url:header:sagaflow-http-url,http_timeout_ms:header:sagaflow-http-timeout-ms,"
                                + "http_protection:header:sagaflow-http-protection,"
                                + "traceparent:header:traceparent")));
    }
}
