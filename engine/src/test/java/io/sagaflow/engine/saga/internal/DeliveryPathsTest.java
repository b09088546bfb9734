package io.sagaflow.engine.saga.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.node.NodeBeat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a step timeout may count: every observable part of the command's path was up at its due time. */
class DeliveryPathsTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private final DeliveryPaths paths = new DeliveryPaths("replies", "http-commands");

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    private static JsonObject holds(List<Integer> reply, List<Integer> http, boolean relay) {
        JsonObject h = new JsonObject().put("relayEnabled", true).put("relayStreaming", relay);
        JsonArray r = new JsonArray();
        reply.forEach(p -> r.add("replies-" + p));
        h.put("replyPartitions", r);
        if (http != null) {
            JsonArray c = new JsonArray();
            http.forEach(p -> c.add("http-commands-" + p));
            h.put("httpCommandPartitions", c);
        }
        return h;
    }

    /** Two nodes: a holds reply 0 and HTTP 0 and relays, b holds reply 1 and HTTP 1; both beat at {@code s}. */
    private void beatBoth(double s, boolean bAlive) {
        List<NodeBeat> beats = bAlive
                ? List.of(new NodeBeat("a", at(s), holds(List.of(0), List.of(0), true)),
                          new NodeBeat("b", at(s), holds(List.of(1), List.of(1), false)))
                : List.of(new NodeBeat("a", at(s), holds(List.of(0), List.of(0), true)));
        paths.observe(beats);
    }

    @Test
    void aTimeoutCountsOnlyOnceEveryPartOfThePathBeatAtOrAfterItsDueTime() {
        beatBoth(0, true);
        beatBoth(1, true);
        assertThat(paths.hadAChance(0, 0, at(1))).isTrue();
        assertThat(paths.hadAChance(1, 1, at(1))).isTrue();
        assertThat(paths.hadAChance(0, 0, at(1.5))).as("no beat after the due time yet").isFalse();
        beatBoth(2, true);
        assertThat(paths.hadAChance(0, 0, at(1.5))).isTrue();
    }

    @Test
    void aPartitionHeldByADeadNodeHoldsItsTimeoutsUntilALiveNodeHeldItForTwoBeats() {
        beatBoth(0, true);
        beatBoth(1, true);
        // b is killed after its beat at 1: it drops out of the live beats.
        beatBoth(2, false);
        beatBoth(3, false);
        assertThat(paths.hadAChance(1, 1, at(1.5))).as("b's partitions have no live holder").isFalse();
        assertThat(paths.hadAChance(0, 0, at(1.5))).as("a's part of the path is unaffected").isTrue();
        // Kafka moves b's partitions to a (session timeout): held at one beat is not enough, two are.
        paths.observe(List.of(new NodeBeat("a", at(14), holds(List.of(0, 1), List.of(0, 1), true))));
        assertThat(paths.hadAChance(1, 1, at(1.5))).isFalse();
        paths.observe(List.of(new NodeBeat("a", at(15), holds(List.of(0, 1), List.of(0, 1), true))));
        assertThat(paths.hadAChance(1, 1, at(1.5))).isTrue();
    }

    @Test
    void aSilentNodeIsNotHeardFromEvenWhileItIsStillListedAsLive() {
        beatBoth(0, true);
        beatBoth(1, true);
        // b stops beating (killed, starved, or cut from the database) but is still within the fresh window.
        paths.observe(List.of(new NodeBeat("a", at(2), holds(List.of(0), List.of(0), true)),
                new NodeBeat("b", at(1), holds(List.of(1), List.of(1), false))));
        assertThat(paths.hadAChance(1, 1, at(1.2))).isFalse();
    }

    @Test
    void theHttpPartitionCountsOnlyWhereAnHttpConnectorRuns() {
        paths.observe(List.of(new NodeBeat("a", at(0), holds(List.of(0, 1), null, true))));
        paths.observe(List.of(new NodeBeat("a", at(1), holds(List.of(0, 1), null, true))));
        assertThat(paths.hadAChance(1, 3, at(1))).isTrue();
        assertThat(paths.hadAChance(-1, -1, at(1))).as("partitions not known yet: only the relay").isTrue();
    }

    @Test
    void noTimeoutCountsWhileTheRelayIsDownOrFailingOver() {
        paths.observe(List.of(new NodeBeat("a", at(0), holds(List.of(0), null, true))));
        paths.observe(List.of(new NodeBeat("a", at(1), holds(List.of(0), null, true))));
        assertThat(paths.hadAChance(0, -1, at(1))).isTrue();
        // Debezium restarts (the database went away): no command reaches Kafka.
        paths.observe(List.of(new NodeBeat("a", at(2), holds(List.of(0), null, false))));
        paths.observe(List.of(new NodeBeat("a", at(3), holds(List.of(0), null, true))));
        assertThat(paths.hadAChance(0, -1, at(2))).as("streaming again for one beat only").isFalse();
        paths.observe(List.of(new NodeBeat("a", at(4), holds(List.of(0), null, true))));
        assertThat(paths.hadAChance(0, -1, at(2))).isTrue();
    }

    @Test
    void withTheRelayDisabledOnEveryNodeTheRelayIsNotAwaited() {
        JsonObject h = new JsonObject().put("relayEnabled", false).put("relayStreaming", false)
                .put("replyPartitions", new JsonArray().add("replies-0"));
        paths.observe(List.of(new NodeBeat("a", at(0), h)));
        paths.observe(List.of(new NodeBeat("a", at(1), h)));
        assertThat(paths.hadAChance(0, -1, at(1))).isTrue();
    }
}
