package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.engine.saga.SagaEvent;
import io.sagaflow.engine.saga.SagaState;
import io.sagaflow.engine.saga.EventCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Collectors;
import io.sagaflow.samples.Shop;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What must hold after any fault, checked on the database and at the participants. */
final class Invariants {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final EventCodec CODEC = new EventCodec(JSON);

    private Invariants() {
    }

    /**
     * No gap in any event log; no step succeeded or compensated twice; no timer left; every saga's replayed
     * events equal its stored projection; at the participants, one Idempotency-Key per saga, step and kind, and
     * each effect applied once.
     */
    static void assertLogsAreWhole(Connection c, List<String> ids, Shop shop) throws Exception {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT saga_id, count(*), max(seq) FROM saga_event GROUP BY saga_id")) {
                while (rs.next()) {
                    assertThat(rs.getLong(2)).as("gap in the log of %s", rs.getString(1)).isEqualTo(rs.getLong(3));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT saga_id, type, data->>'step', count(*) FROM saga_event "
                    + "WHERE type IN ('StepSucceeded', 'StepCompensated') GROUP BY 1, 2, 3 HAVING count(*) > 1")) {
                assertThat(rs.next()).as("a step settled twice").isFalse();
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM saga_timer")) {
                rs.next();
                assertThat(rs.getLong(1)).as("timers left behind").isZero();
            }
        }
        for (String id : ids) {
            assertReplayEqualsProjection(c, id);
        }
        Map<String, List<Shop.Received>> byStepAndKind = shop.journal().stream()
                .filter(r -> ids.contains(r.sagaId()))
                .collect(Collectors.groupingBy(r -> r.sagaId() + "/" + r.step() + "/" + r.kind()));
        byStepAndKind.forEach((key, received) -> assertThat(received.stream().map(Shop.Received::idempotencyKey).distinct())
                .as("idempotency keys of %s", key).hasSize(1));
        Map<String, Long> effects = shop.effects().stream()
                .collect(Collectors.groupingBy(Shop.Effect::idempotencyKey, Collectors.counting()));
        assertThat(effects.values()).allMatch(n -> n == 1);
    }

    /** Replays a saga's stored events and compares the result with the stored projection (the {@code saga} row). */
    static void assertReplayEqualsProjection(Connection c, String sagaId) throws Exception {
        List<SagaEvent> events = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT type, data::text FROM saga_event WHERE saga_id = ?::uuid ORDER BY seq")) {
            st.setString(1, sagaId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    events.add(CODEC.decode(rs.getString(1), rs.getString(2)));
                }
            }
        }
        SagaState replayed = SagaState.replay(UUID.fromString(sagaId), events);
        try (PreparedStatement st = c.prepareStatement("SELECT status, last_seq, steps::text FROM saga WHERE id = ?::uuid")) {
            st.setString(1, sagaId);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("projection of %s", sagaId).isTrue();
                assertThat(rs.getString("status")).as("status of %s", sagaId).isEqualTo(replayed.status().name());
                assertThat(rs.getLong("last_seq")).as("last seq of %s", sagaId).isEqualTo(replayed.seq());
                JsonNode steps = JSON.readTree(rs.getString("steps"));
                for (JsonNode step : steps) {
                    assertThat(step.get("status").asText()).as("step %s of %s", step.get("name").asText(), sagaId)
                            .isEqualTo(replayed.step(step.get("name").asText()).status().name());
                }
            }
        }
    }
}
