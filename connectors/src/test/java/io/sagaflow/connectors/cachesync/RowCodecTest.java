package io.sagaflow.connectors.cachesync;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.KeyTemplate;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class RowCodecTest {

    private static CacheSyncFlow flow(CacheSyncFlow.Format format) {
        return new CacheSyncFlow(new FlowId("p", 1),
                new CacheSyncFlow.Source(CacheSyncFlow.Database.POSTGRES, Optional.empty(), Optional.empty(),
                        Optional.empty(), new CacheSyncFlow.TableName("public", "products")),
                new KeyTemplate("stock:${warehouse}:${sku}"),
                new CacheSyncFlow.Value(format, List.of("sku", "price", "qty", "note")),
                CacheSyncFlow.Deletes.DELETE, Optional.empty(), CacheSyncFlow.Reconcile.DEFAULT);
    }

    private static Map<String, Object> row(Object price, Object qty) {
        Map<String, Object> r = new HashMap<>();
        r.put("warehouse", 7);
        r.put("sku", "a-1");
        r.put("price", price);
        r.put("qty", qty);
        r.put("note", null);
        return r;
    }

    @Test
    void debeziumAndJdbcValuesRenderTheSame() {
        RowCodec hash = new RowCodec(flow(CacheSyncFlow.Format.HASH));
        // Debezium: decimal as text (decimal.handling.mode=string), int as Integer; JDBC: BigDecimal, Long
        assertThat(hash.expected(row("12.50", 3))).isEqualTo(hash.expected(row(new BigDecimal("12.50"), 3L)));
        assertThat(hash.value(row("12.50", 3))).containsExactly("sku", "a-1", "price", "12.50", "qty", "3");
        RowCodec json = new RowCodec(flow(CacheSyncFlow.Format.JSON));
        assertThat(json.expected(row("12.50", (short) 3))).isEqualTo(json.expected(row(new BigDecimal("12.50"), 3L)))
                .isEqualTo("{\"sku\":\"a-1\",\"price\":\"12.50\",\"qty\":3,\"note\":null}");
        assertThat(hash.key(row("1", 1))).isEqualTo("stock:7:a-1");
    }

    @Test
    void keysAreTakenApartByTheirTemplate() {
        Matcher m = Reconciler.keyPattern(new KeyTemplate("stock:${warehouse}:${sku}")).matcher("stock:7:a-1");
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1)).isEqualTo("7");
        assertThat(m.group(2)).isEqualTo("a-1");
        assertThat(Reconciler.keyPattern(new KeyTemplate("p.${id}")).matcher("pX1").matches()).isFalse();
    }

    @Test
    void identifiersAreSqlSafe() {
        assertThat(CacheSyncRunner.identifier("sagaflow_cs_Products-Cache")).isEqualTo("sagaflow_cs_products_cache");
    }
}
