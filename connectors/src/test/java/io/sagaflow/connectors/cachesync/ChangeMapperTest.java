package io.sagaflow.connectors.cachesync;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.engine.ChangeEvent;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.KeyTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Debezium envelopes in, Redis changes out, each with a position that sorts in the source's commit order. */
class ChangeMapperTest {

    private static final Schema ROW = SchemaBuilder.struct().field("id", Schema.OPTIONAL_INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
    private static final Schema PG_SOURCE = SchemaBuilder.struct().field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema MARIA_SOURCE = SchemaBuilder.struct().field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("row", Schema.OPTIONAL_INT32_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static CacheSyncFlow flow() {
        return new CacheSyncFlow(new FlowId("products", 1),
                new CacheSyncFlow.Source(CacheSyncFlow.Database.POSTGRES, Optional.empty(), Optional.empty(),
                        Optional.empty(), new CacheSyncFlow.TableName("public", "products")),
                new KeyTemplate("product:${id}"), new CacheSyncFlow.Value(CacheSyncFlow.Format.HASH, List.of("id", "name")),
                CacheSyncFlow.Deletes.DELETE, Optional.empty(), CacheSyncFlow.Reconcile.DEFAULT);
    }

    private final ChangeMapper postgres = new ChangeMapper("products", true, new RowCodec(flow()));
    private final ChangeMapper mariaDb = new ChangeMapper("products", false, new RowCodec(flow()));

    private static Struct row(Integer id, String name) {
        return new Struct(ROW).put("id", id).put("name", name);
    }

    private static ChangeEvent<SourceRecord, SourceRecord> change(String op, Struct before, Struct after, Struct source,
                                                                  Map<String, ?> offset) {
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", ROW)
                .field("after", ROW).field("source", source.schema()).build();
        Struct value = new Struct(envelope).put("op", op).put("before", before).put("after", after).put("source", source);
        SourceRecord record = new SourceRecord(Map.of(), offset, "t", envelope, value);
        return new ChangeEvent<>() {
            @Override
            public SourceRecord key() {
                return null;
            }

            @Override
            public SourceRecord value() {
                return record;
            }

            @Override
            public String destination() {
                return "t";
            }

            @Override
            public Integer partition() {
                return null;
            }
        };
    }

    private static Struct pgSource(boolean snapshot, long lsn, long tsMs) {
        return new Struct(PG_SOURCE).put("snapshot", snapshot ? "true" : "false").put("lsn", lsn).put("ts_ms", tsMs);
    }

    private static Map<String, Object> pgOffset(long lsnCommit) {
        Map<String, Object> o = new HashMap<>();
        o.put("lsn_commit", lsnCommit);
        return o;
    }

    @Test
    void aSnapshotRowIsOlderThanAnyStreamedChangeAndHasNoCommitTime() {
        ChangeMapper.Batch batch = postgres.map(List.of(
                change("r", null, row(1, "old"), pgSource(true, 0xFFFF_FFFFL, 1_000), Map.of()),
                change("u", row(1, "old"), row(1, "new"), pgSource(false, 0x10L, 2_000), pgOffset(0x0FL))));

        assertThat(batch.snapshot()).isTrue();
        assertThat(batch.commitTimes()).containsExactly(2_000L);
        assertThat(batch.changes()).extracting(RedisApplier.Change::position).containsExactly(
                "0" + "0000000000000000" + "00000000ffffffff",
                "1" + "000000000000000f" + "0000000000000010");
        assertThat(batch.changes().get(0).position()).isLessThan(batch.changes().get(1).position());
        assertThat(batch.changes().get(1).data()).containsExactly("id", "1", "name", "new");
    }

    @Test
    void aChangeOfTheKeyColumnsDeletesTheOldKeyAtTheSamePosition() {
        ChangeMapper.Batch batch = postgres.map(List.of(
                change("u", row(1, "a"), row(2, "a"), pgSource(false, 0x20L, 5), pgOffset(0x1FL))));

        assertThat(batch.changes()).extracting(RedisApplier.Change::mode, RedisApplier.Change::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple('d', "product:1"),
                        org.assertj.core.groups.Tuple.tuple('u', "product:2"));
        assertThat(batch.changes().get(0).position()).isEqualTo(batch.changes().get(1).position());
    }

    @Test
    void aDeleteWithoutItsKeyColumnsIsLeftToTheReconcile() {
        ChangeMapper.Batch batch = postgres.map(List.of(
                change("d", row(null, null), null, pgSource(false, 0x30L, 5), pgOffset(0x2FL)),
                change("d", row(3, null), null, pgSource(false, 0x31L, 6), pgOffset(0x2FL))));

        assertThat(batch.changes()).extracting(RedisApplier.Change::mode, RedisApplier.Change::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple('d', "product:3"));
        assertThat(batch.commitTimes()).containsExactly(6L);
    }

    @Test
    void mariaDbPositionsSortByBinlogFileThenPositionThenEventThenRow() {
        Struct src = new Struct(MARIA_SOURCE).put("snapshot", "false").put("row", 1).put("ts_ms", 7L);
        String inFile9 = mariaDb.map(List.of(change("c", null, row(1, "a"), src,
                Map.of("file", "mariadb-bin.000009", "pos", 987_654L, "event", 2L)))).changes().get(0).position();
        String inFile10 = mariaDb.map(List.of(change("c", null, row(1, "a"), src,
                Map.of("file", "mariadb-bin.000010", "pos", 4L, "event", 1L)))).changes().get(0).position();

        assertThat(inFile9).isEqualTo("1" + "0000000009" + "00000000000000987654" + "0000000002" + "0000000001");
        assertThat(inFile9).isLessThan(inFile10);
    }
}
