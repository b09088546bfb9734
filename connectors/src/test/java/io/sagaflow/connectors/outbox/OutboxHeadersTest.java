package io.sagaflow.connectors.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboxHeadersTest {

    @Test
    void everyOutboxColumnOfACommandBecomesItsSpecFiveHeader() {
        // Spelled out on purpose: a rename on either side (column or header) must show up here.
        assertThat(OutboxHeaders.eventRouterPlacement()).isEqualTo(String.join(",",
                "aggregateid:header:sagaflow-saga-id",
                "type:header:sagaflow-command",
                "id:header:sagaflow-message-id",
                "step:header:sagaflow-step",
                "kind:header:sagaflow-kind",
                "idempotency_key:header:sagaflow-idempotency-key",
                "reply_to:header:sagaflow-reply-to",
                "http_url:header:sagaflow-http-url",
                "http_timeout_ms:header:sagaflow-http-timeout-ms",
                "http_protection:header:sagaflow-http-protection",
                "traceparent:header:traceparent"));
    }
}
