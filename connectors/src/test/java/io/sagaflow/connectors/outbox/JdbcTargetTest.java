package io.sagaflow.connectors.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcTargetTest {

    @Test
    void theUrlsTlsParametersReachTheChangeStreamAsDebeziumNamesThem() {
        JdbcTarget t = JdbcTarget.parse("jdbc:postgresql://db.internal:6432/sagaflow?sslmode=verify-full"
                + "&sslrootcert=%2Fetc%2Fsagaflow%2Fpg-ca.crt&ApplicationName=sagaflow", "sagaflow", "pw");
        assertThat(t.host()).isEqualTo("db.internal");
        assertThat(t.port()).isEqualTo(6432);
        assertThat(t.database()).isEqualTo("sagaflow");
        assertThat(t.debeziumSsl()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "database.sslmode", "verify-full", "database.sslrootcert", "/etc/sagaflow/pg-ca.crt"));
    }

    @Test
    void aPlainUrlAsksForNothing() {
        JdbcTarget t = JdbcTarget.parse("jdbc:postgresql://127.0.0.1/sagaflow", "postgres", null);
        assertThat(t.port()).isEqualTo(5432);
        assertThat(t.password()).isEmpty();
        assertThat(t.debeziumSsl()).isEmpty();
    }
}
