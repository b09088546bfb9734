package io.sagaflow.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TransientTest {

    private static PgException pg(String sqlState) {
        return new PgException("server says no", "ERROR", sqlState, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "53300", "53100", "57P01", "57P03", "58030", "40001", "40P01", "55P03"})
    void sqlStatesARetryCanOutliveAreTransient(String state) {
        assertThat(Transient.is(pg(state))).as(state).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23503", "22P02", "42P01", "42703", "22001", "XX000", "40002"})
    void sqlStatesThatWillFailAgainAreNot(String state) {
        assertThat(Transient.is(pg(state))).as(state).isFalse();
    }

    @Test
    void aLostOrRefusedConnectionAndATimeoutAreTransientWhereverTheyAreInTheChain() {
        assertThat(Transient.is(new ConnectException("Connection refused"))).isTrue();
        assertThat(Transient.is(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(Transient.is(new CompletionException(new java.io.IOException("reset")))).isTrue();
        assertThat(Transient.is(new io.smallrye.mutiny.TimeoutException())).isTrue();
        assertThat(Transient.is(new RuntimeException(pg("40P01")))).isTrue();
    }

    @Test
    void theWordsOfAMessageDecideNothing() {
        assertThat(Transient.is(new IllegalStateException("connection pool exhausted? no: a bug"))).isFalse();
        assertThat(Transient.is(new IllegalArgumentException("bad connection string"))).isFalse();
        assertThat(Transient.is(new NullPointerException())).isFalse();
    }
}
