package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.CacheSyncFlow.Database;
import io.sagaflow.dsl.model.CacheSyncFlow.Deletes;
import io.sagaflow.dsl.model.CacheSyncFlow.Format;
import io.sagaflow.dsl.model.FlowDocument;
import io.sagaflow.dsl.model.Kind;
import io.sagaflow.dsl.model.MessageFlow;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.dsl.model.Protection;
import io.sagaflow.dsl.model.Protection.CircuitBreaker;
import io.sagaflow.dsl.model.RateLimit;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Stage;
import io.sagaflow.dsl.model.Step;
import io.sagaflow.dsl.model.StepCommands;
import io.sagaflow.wire.CommandKind;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each kind of document parses into, and the defaults of what it leaves out. */
class FlowKindsTest {

    private final FlowParser parser = new FlowParser();

    private FlowDocument parse(String yaml) {
        ParseResult result = parser.parse(yaml);
        assertThat(result.diagnostics()).map(d -> d.format("flow.yaml")).isEmpty();
        return result.document().orElseThrow();
    }

    private FlowDocument fixture(String name) throws IOException {
        return parse(FlowParserTest.resource("/flows/valid/" + name));
    }

    private static Protection protection(SagaFlow saga, String participant) {
        return ((HttpParticipant) saga.participants().get(participant)).protection();
    }

    @Test
    void readsParallelGroupsAndTccStepsIntoStages() throws IOException {
        SagaFlow saga = (SagaFlow) fixture("order-checkout-parallel.yaml");

        assertThat(saga.stages()).extracting(Stage::name, Stage::parallel).containsExactly(
                org.assertj.core.groups.Tuple.tuple("create-order", false),
                org.assertj.core.groups.Tuple.tuple("hold", true),
                org.assertj.core.groups.Tuple.tuple("ship", false));
        assertThat(saga.stages().get(1).steps()).extracting(Step::name).containsExactly("reserve-stock", "charge");
        assertThat(saga.steps()).extracting(Step::name)
                .containsExactly("create-order", "reserve-stock", "charge", "ship");

        Step charge = saga.step("charge").orElseThrow();
        assertThat(charge.commands()).isEqualTo(new StepCommands.Tcc("freeze", "capture", "unfreeze"));
        assertThat(charge.command(CommandKind.CONFIRM)).contains("capture");
        assertThat(charge.retry().maxAttempts()).isEqualTo(5);
        assertThat(charge.timeout()).isEqualTo(Duration.ofMinutes(1));
        // a branch inherits the defaults like any step
        Step reserve = saga.step("reserve-stock").orElseThrow();
        assertThat(reserve.retry()).isEqualTo(new RetryPolicy(3, Backoff.EXPONENTIAL, Duration.ofMillis(200),
                Duration.ofSeconds(10), 0.2));
        assertThat(reserve.commands()).isEqualTo(new StepCommands.Compensable("reserve", Optional.of("release")));
    }

    @Test
    void readsTheProtectionOfHttpParticipantsAndFillsTheCircuitBreakersDefaults() throws IOException {
        SagaFlow saga = (SagaFlow) fixture("protected-participants.yaml");
        CircuitBreaker defaults = new CircuitBreaker(CircuitBreaker.DEFAULT_FAILURE_RATIO,
                CircuitBreaker.DEFAULT_REQUEST_VOLUME, CircuitBreaker.DEFAULT_DELAY,
                CircuitBreaker.DEFAULT_SUCCESS_THRESHOLD);

        assertThat(protection(saga, "orders")).isEqualTo(new Protection(
                Optional.of(new CircuitBreaker(0.25, 40, Duration.ofSeconds(30), 3)), Optional.of(10),
                Optional.of(new RateLimit(50, Duration.ofSeconds(1)))));
        // circuitBreaker: {}
        assertThat(protection(saga, "payments"))
                .isEqualTo(new Protection(Optional.of(defaults), Optional.empty(), Optional.empty()));
        // the defaults docs/flows.md states
        assertThat(defaults).isEqualTo(new CircuitBreaker(0.5, 20, Duration.ofSeconds(10), 1));
        assertThat(protection(saga, "shipping").circuitBreaker())
                .contains(new CircuitBreaker(1.0, 20, Duration.ofSeconds(10), 1));
        assertThat(protection(saga, "stock")).isEqualTo(Protection.NONE);
    }

    @Test
    void readsAMessageAndFillsItsDefaults() throws IOException {
        MessageFlow full = (MessageFlow) fixture("points-granted.yaml");
        MessageFlow minimal = (MessageFlow) fixture("message-minimal.yaml");

        assertThat(full.kind()).isEqualTo(Kind.MESSAGE);
        assertThat(full.topic()).isEqualTo("points.commands");
        assertThat(full.checkBack()).isEqualTo(new MessageFlow.CheckBack(
                URI.create("http://127.0.0.1:8081/orders/tx-status"), Duration.ofSeconds(10), Duration.ofSeconds(30), 20));
        assertThat(full.delivery()).isEqualTo(MessageFlow.Delivery.DEFAULT);
        assertThat(full.checkBack().uriFor("m 1")).isEqualTo(
                URI.create("http://127.0.0.1:8081/orders/tx-status?messageId=m+1"));

        assertThat(minimal.checkBack().after()).isEqualTo(MessageFlow.CheckBack.DEFAULT_AFTER);
        assertThat(minimal.checkBack().every()).isEqualTo(MessageFlow.CheckBack.DEFAULT_EVERY);
        assertThat(minimal.checkBack().maxChecks()).isEqualTo(MessageFlow.CheckBack.DEFAULT_MAX_CHECKS);
        // delivery.retry is laid over the delivery defaults, not over the saga's
        assertThat(minimal.delivery().retry()).isEqualTo(
                new RetryPolicy(5, Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofMinutes(10), 0.2));
    }

    @Test
    void readsANotificationAndFillsItsDefaults() throws IOException {
        NotificationFlow full = (NotificationFlow) fixture("merchant-callback.yaml");
        NotificationFlow minimal = (NotificationFlow) fixture("notification-minimal.yaml");

        assertThat(full.target()).isEqualTo(URI.create("https://merchant.example.com/hooks/orders?token=abc123"));
        assertThat(full.maxAttempts()).isEqualTo(11);
        assertThat(full.waitBefore(2)).contains(Duration.ofSeconds(15));
        assertThat(full.waitBefore(11)).contains(Duration.ofHours(6));
        assertThat(full.waitBefore(12)).isEmpty();
        assertThat(full.signing()).contains(new NotificationFlow.Signing("MERCHANT_SECRET"));
        assertThat(full.rateLimit()).contains(new RateLimit(50, Duration.ofSeconds(1)));
        assertThat(full.success().accepts(409)).isTrue();
        assertThat(full.success().accepts(201)).isFalse();

        assertThat(minimal.signing()).isEmpty();
        assertThat(minimal.rateLimit()).isEmpty();
        assertThat(minimal.success()).isEqualTo(NotificationFlow.Success.DEFAULT);
        assertThat(minimal.success().accepts(204)).isTrue();
        assertThat(minimal.success().accepts(302)).isFalse();
    }

    @Test
    void readsCacheSyncsFromEitherDatabase() throws IOException {
        CacheSyncFlow products = (CacheSyncFlow) fixture("products-cache.yaml");
        CacheSyncFlow stock = (CacheSyncFlow) fixture("stock-cache-mariadb.yaml");

        assertThat(products.source().database()).isEqualTo(Database.POSTGRES);
        assertThat(products.source().url()).contains(URI.create("postgresql://127.0.0.1:5432/shop"));
        assertThat(products.source().table()).hasToString("public.products");
        assertThat(products.key().columns()).containsExactly("id");
        assertThat(products.value()).isEqualTo(new CacheSyncFlow.Value(Format.HASH, List.of("id", "name", "price", "stock")));
        assertThat(products.ttl()).contains(Duration.ofHours(24));

        assertThat(stock.source().database()).isEqualTo(Database.MARIADB);
        assertThat(stock.source().user()).isEmpty();
        assertThat(stock.key().render(Map.of("warehouse_id", "7", "sku", "A-1")::get)).isEqualTo("stock:7:A-1:$");
        assertThat(stock.value().format()).isEqualTo(Format.JSON);
        assertThat(stock.deletes()).isEqualTo(Deletes.DELETE);
        assertThat(stock.ttl()).isEmpty();
        assertThat(stock.reconcile()).isEqualTo(CacheSyncFlow.Reconcile.DEFAULT);
    }

    @Test
    void usesTheEnginesOwnDatabaseWhenAPostgresSourceHasNoUrl() {
        CacheSyncFlow flow = (CacheSyncFlow) parse("""
                apiVersion: sagaflow.io/v1
                kind: CacheSync
                metadata: { name: products-cache, version: 1 }
                spec:
                  source: { postgres: { table: public.products } }
                  key: "product:${id}"
                  value: { json: [id, name] }
                """);

        assertThat(flow.source().url()).isEmpty();
        assertThat(flow.source().passwordEnv()).isEmpty();
    }
}
