package io.sagaflow.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceTest {

    private static Source.Postgres postgres(String slot, String publication) {
        return new Source.Postgres("127.0.0.1", 5432, "sagaflow", "postgres", "", slot, publication,
                Source.Publication.CREATED_UP_FRONT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sagaflow_outbox", "sagaflow_cs_products_cache", "x", "9lives", "a23456789012345678901234567890123456789012345678901234567890123"})
    void acceptsTheSlotNamesPostgresAccepts(String name) {
        assertThat(postgres(name, name).slot()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Outbox", "out-box", "out box", "outbox;drop table x", "a234567890123456789012345678901234567890123456789012345678901234"})
    void refusesSlotNamesPostgresWouldRefuseBeforeTouchingTheDatabase(String name) {
        assertThatThrownBy(() -> postgres(name, "pub"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replication slot name must match [a-z0-9_]{1,63}");
    }

    @Test
    void refusesAPublicationNameThatWouldBeSql() {
        assertThatThrownBy(() -> postgres("slot", "pub\" FOR ALL TABLES --"))
                .hasMessage("a replication publication name must match [a-z0-9_]{1,63} (PostgreSQL's rule for slots),"
                        + " was pub\" FOR ALL TABLES --");
    }

    @Test
    void refusesAPortOutOfRangeAndAServerIdOfZero() {
        assertThatThrownBy(() -> new Source.Postgres("h", 0, "d", "u", "", "s", "p", Source.Publication.BY_DEBEZIUM))
                .hasMessage("cdc source port must be in 1..65535, was 0");
        JdbcTable history = new JdbcTable("jdbc:postgresql://h/d", "u", "", "t");
        assertThatThrownBy(() -> new Source.MariaDb("h", 3306, "root", "", 0, "shop", history))
                .hasMessage("mariadb serverId must be in 1..2^32-1, was 0");
    }
}
