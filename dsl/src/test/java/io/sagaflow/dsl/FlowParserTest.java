package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.KafkaParticipant;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Step;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FlowParserTest {

    private final FlowParser parser = new FlowParser();

    private static final String HEADER = """
            apiVersion: sagaflow.io/v1
            kind: Saga
            metadata: { name: order-checkout, version: 3 }
            spec:
              participants:
                orders:   { http: { url: "http://orders:8080/orders", timeout: 2s } }
                payments: { kafka: { topic: payments.commands } }
            """;

    private SagaFlow saga(String yaml) {
        ParseResult result = parser.parse(yaml);
        assertThat(result.diagnostics()).map(d -> d.format("flow.yaml")).isEmpty();
        return (SagaFlow) result.document().orElseThrow();
    }

    private List<String> problems(String yaml) {
        return parser.parse(yaml).diagnostics().stream().map(d -> d.format("order.yaml")).toList();
    }

    @Nested
    class Model {

        @Test
        void buildsParticipantsAndStepsAsWritten() {
            SagaFlow flow = saga(HEADER + """
                      steps:
                        - name: create-order
                          participant: orders
                          action: create
                          compensation: cancel
                        - name: charge
                          participant: payments
                          action: charge
                    """);

            assertThat(flow.id().name()).isEqualTo("order-checkout");
            assertThat(flow.id().version()).isEqualTo(3);
            assertThat(flow.participants()).containsOnlyKeys("orders", "payments");
            assertThat(flow.participants().get("orders")).isEqualTo(
                    new HttpParticipant("orders", URI.create("http://orders:8080/orders"), Optional.of(Duration.ofSeconds(2))));
            assertThat(flow.participants().get("payments")).isEqualTo(new KafkaParticipant("payments", "payments.commands"));
            assertThat(flow.steps()).extracting(Step::name).containsExactly("create-order", "charge");
            assertThat(flow.step("create-order").orElseThrow().compensation()).contains("cancel");
            assertThat(flow.step("charge").orElseThrow().compensation()).isEmpty();
            assertThat(flow.step("charge").orElseThrow().input()).isEmpty();
        }

        @Test
        void appliesSpecDefaultsWhenTheDocumentSetsNone() {
            SagaFlow flow = saga(HEADER + """
                      steps: [ { name: create-order, participant: orders, action: create } ]
                    """);

            Step step = flow.steps().get(0);
            assertThat(step.retry()).isEqualTo(RetryPolicy.DEFAULT);
            assertThat(step.timeout()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void mergesAStepsRetryOverTheDefaultsKeyByKey() {
            SagaFlow flow = saga(HEADER + """
                      defaults:
                        retry: { maxAttempts: 5, backoff: fixed, initialDelay: 1s, maxDelay: 1m, jitter: 0 }
                        timeout: 10s
                      steps:
                        - { name: inherits, participant: orders, action: a }
                        - { name: more-attempts, participant: orders, action: b, retry: { maxAttempts: 10 } }
                        - { name: own-backoff, participant: orders, action: c, retry: { backoff: exponential, jitter: 0.5 }, timeout: 1h }
                    """);

            RetryPolicy defaults = new RetryPolicy(5, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofMinutes(1), 0);
            assertThat(flow.step("inherits").orElseThrow().retry()).isEqualTo(defaults);
            assertThat(flow.step("inherits").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(flow.step("more-attempts").orElseThrow().retry())
                    .isEqualTo(new RetryPolicy(10, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofMinutes(1), 0));
            assertThat(flow.step("own-backoff").orElseThrow().retry())
                    .isEqualTo(new RetryPolicy(5, Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofMinutes(1), 0.5));
            assertThat(flow.step("own-backoff").orElseThrow().timeout()).isEqualTo(Duration.ofHours(1));
        }

        @Test
        void mergesPartialDefaultsOverTheBuiltInPolicy() {
            SagaFlow flow = saga(HEADER + """
                      defaults: { retry: { maxAttempts: 7 } }
                      steps:
                        - { name: a, participant: orders, action: a }
                        - { name: b, participant: orders, action: b, retry: { initialDelay: 1s } }
                    """);

            RetryPolicy d = RetryPolicy.DEFAULT;
            assertThat(flow.step("a").orElseThrow().retry())
                    .isEqualTo(new RetryPolicy(7, d.backoff(), d.initialDelay(), d.maxDelay(), d.jitter()));
            assertThat(flow.step("b").orElseThrow().retry())
                    .isEqualTo(new RetryPolicy(7, d.backoff(), Duration.ofSeconds(1), d.maxDelay(), d.jitter()));
        }

        @Test
        void reusesARetryPolicyThroughAnAnchor() {
            SagaFlow flow = saga(HEADER + """
                      steps:
                        - { name: a, participant: orders, action: a, retry: &patient { maxAttempts: 9, maxDelay: 5m } }
                        - { name: b, participant: payments, action: b, retry: *patient }
                    """);

            assertThat(flow.step("b").orElseThrow().retry()).isEqualTo(flow.step("a").orElseThrow().retry());
            assertThat(flow.step("b").orElseThrow().retry().maxAttempts()).isEqualTo(9);
        }

        @Test
        void takesKeysFromAMergeKeyAndLetsExplicitKeysWin() {
            SagaFlow flow = saga(HEADER + """
                      steps:
                        - { name: a, participant: orders, action: a, retry: &patient { maxAttempts: 9, jitter: 0.5 } }
                        - name: b
                          participant: orders
                          action: b
                          retry:
                            <<: *patient
                            maxAttempts: 4
                    """);

            assertThat(flow.step("b").orElseThrow().retry().maxAttempts()).isEqualTo(4);
            assertThat(flow.step("b").orElseThrow().retry().jitter()).isEqualTo(0.5);
        }

        @Test
        void keepsYamlTypesInTheInputTemplate() {
            SagaFlow flow = saga(HEADER + """
                      steps:
                        - name: charge
                          participant: payments
                          action: charge
                          input:
                            orderId: ${ .input.orderId }
                            amount: 12.5
                            count: 3
                            big: 12345678901234567890
                            hex: 0x1F
                            live: true
                            note: null
                            answer: "yes"
                            tags: [a, b]
                    """);

            assertThat(flow.steps().get(0).input().orElseThrow().template().toString()).isEqualTo(
                    "{\"orderId\":\"${ .input.orderId }\",\"amount\":12.5,\"count\":3,\"big\":12345678901234567890,"
                            + "\"hex\":31,\"live\":true,\"note\":null,\"answer\":\"yes\",\"tags\":[\"a\",\"b\"]}");
        }

        @Test
        void returnsAModelWithAWarningForAStringThatOnlyContainsAnExpression() {
            ParseResult result = parser.parse(HEADER + """
                      steps:
                        - { name: a, participant: orders, action: a, input: { ref: "order-${ .input.id }" } }
                    """);

            assertThat(result.ok()).isTrue();
            assertThat(result.diagnostics()).singleElement().satisfies(d -> {
                assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
                assertThat(d.code()).isEqualTo(DiagnosticCodes.NOT_AN_EXPRESSION);
                assertThat(d.format("order.yaml")).startsWith("order.yaml:9:64: warning: spec.steps[0].input.ref is sent as written");
            });
        }
    }

    @Nested
    class Diagnostics {

        @Test
        void printsLikeACompilerWithPathAndHintAsData() {
            ParseResult result = parser.parse(HEADER + """
                      steps:
                        - name: charge
                          participant: paymnts
                          action: charge
                    """);

            Diagnostic d = result.diagnostics().get(0);
            assertThat(d.format("order.yaml")).isEqualTo(
                    "order.yaml:10:20: error: unknown participant 'paymnts' (did you mean 'payments'?)");
            assertThat(d.code()).isEqualTo(DiagnosticCodes.UNKNOWN_PARTICIPANT);
            assertThat(d.path()).isEqualTo("spec.steps[0].participant");
            assertThat(d.line()).isEqualTo(10);
            assertThat(d.column()).isEqualTo(20);
            assertThat(d.hint()).contains("did you mean 'payments'?");
            assertThat(result.document()).isEmpty();
        }

        @Test
        void reportsEveryProblemInDocumentOrder() {
            List<String> problems = problems("""
                    apiVersion: sagaflow.io/v1
                    kind: Saga
                    metadata: { name: checkout, version: 1 }
                    spec:
                      participants:
                        orders: { http: { url: "http://orders" } }
                      steps:
                        - { name: b, participant: orders, action: b, timeout: 5 }
                        - { name: a, participant: order, action: a }
                      defaults: { timeout: 30 sec }
                    """);

            assertThat(problems).containsExactly(
                    "order.yaml:8:59: error: spec.steps[0].timeout: '5' is not a duration; expected e.g. 150ms, 2s, 5m, 1h (add a unit, e.g. '5s')",
                    "order.yaml:9:31: error: unknown participant 'order' (did you mean 'orders'?)",
                    "order.yaml:10:24: error: spec.defaults.timeout: '30 sec' is not a duration; expected e.g. 150ms, 2s, 5m, 1h (did you mean '30s'?)");
        }

        @Test
        void doesNotReportAKeyMissingWhenAMisspeltKeyWasSuggestedForIt() {
            assertThat(problems(HEADER + """
                      steps: [ { name: a, participant: orders, acton: a } ]
                    """)).containsExactly(
                    "order.yaml:8:44: error: unknown key 'acton' in spec.steps[0] (did you mean 'action'?)");
        }

        @Test
        void reportsAStepDelayConflictOnceWhenItComesFromTheDefaults() {
            assertThat(problems(HEADER + """
                      defaults: { retry: { initialDelay: 1m } }
                      steps:
                        - { name: a, participant: orders, action: a, retry: { maxAttempts: 2 } }
                        - { name: b, participant: orders, action: b, retry: { initialDelay: 2m } }
                    """)).containsExactly(
                    "order.yaml:8:38: error: spec.defaults.retry: maxDelay (10s) is shorter than initialDelay (1m) "
                            + "(maxDelay 10s is the built-in default)");
        }

        @Test
        void checksWhatIsUnderAMisspeltKeyInsteadOfHidingIt() {
            assertThat(problems(HEADER + """
                      steps:
                        - { name: a, participant: orders, tc: { try: t, confirm: "c c" } }
                    """)).containsExactly(
                    "order.yaml:9:39: error: unknown key 'tc' in spec.steps[0] (did you mean 'tcc'?)",
                    "order.yaml:9:43: error: spec.steps[0].tcc is missing cancel; a TCC step needs try, confirm and "
                            + "cancel (e.g. { try: freeze, confirm: capture, cancel: unfreeze })",
                    "order.yaml:9:62: error: spec.steps[0].tcc.confirm must be a command name of letters, digits, "
                            + "'.', '_' or '-', found 'c c' (it is sent as POST <url>/<command> and as a Kafka header)");
        }

        @Test
        void reportsEveryProblemOfParticipantProtectionsAtOnceWithCodeAndPath() throws IOException {
            ParseResult result = parser.parse(resource("/flows/invalid/bad-protection.yaml"));

            String orders = "spec.participants.orders.http.";
            String payments = "spec.participants.payments.http.";
            String shipping = "spec.participants.shipping.http.";
            assertThat(result.diagnostics()).extracting(Diagnostic::line, Diagnostic::code, Diagnostic::path)
                    .containsExactly(
                            tuple(9, DiagnosticCodes.BAD_VALUE, orders + "circuitBreaker.failureRatio"),
                            tuple(10, DiagnosticCodes.BAD_VALUE, orders + "bulkhead"),
                            tuple(11, DiagnosticCodes.MISSING_FIELD, orders + "rateLimit"),
                            tuple(15, DiagnosticCodes.UNKNOWN_KEY, payments + "circuitBraker"),
                            // what is under the misspelt key is still checked, under the key it stands for
                            tuple(15, DiagnosticCodes.BAD_VALUE, payments + "circuitBreaker.failureRatio"),
                            tuple(15, DiagnosticCodes.BAD_DURATION, payments + "circuitBreaker.delay"),
                            tuple(15, DiagnosticCodes.UNKNOWN_KEY, payments + "circuitBreaker.sucessThreshold"),
                            tuple(15, DiagnosticCodes.BAD_VALUE, payments + "circuitBreaker.successThreshold"),
                            tuple(15, DiagnosticCodes.UNKNOWN_KEY, payments + "circuitBreaker.window"),
                            tuple(19, DiagnosticCodes.WRONG_TYPE, shipping + "circuitBreaker"),
                            tuple(20, DiagnosticCodes.WRONG_TYPE, shipping + "bulkhead"),
                            tuple(21, DiagnosticCodes.BAD_DURATION, shipping + "rateLimit.per"));
            assertThat(result.diagnostics().get(3).hint()).contains("did you mean 'circuitBreaker'?");
            assertThat(result.document()).isEmpty();
        }

        @Test
        void neverRepeatsASecretWrittenWhereItsVariableNameBelongs() {
            List<String> problems = problems("""
                    apiVersion: sagaflow.io/v1
                    kind: Notification
                    metadata: { name: callback, version: 1 }
                    spec:
                      target: { http: { url: "http://merchant" } }
                      schedule: [1m]
                      signing: { hmacSha256: { secretEnv: "hunter2!" } }
                    """);

            assertThat(problems).singleElement().asString().doesNotContain("hunter2")
                    .contains("found a value that is not a name");
        }
    }

    @Nested
    class Limits {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"   \n", "# only a comment\n", "---\n"})
        void reportsAnEmptyDocument(String text) {
            ParseResult result = parser.parse(text);

            assertThat(result.diagnostics()).singleElement()
                    .satisfies(d -> assertThat(d.code()).isEqualTo(DiagnosticCodes.EMPTY_DOCUMENT));
        }

        @Test
        void acceptsADocumentOfExactlyTheLimitAndRefusesOneByteMore() throws IOException {
            String valid = resource("/flows/valid/order-checkout.yaml");
            // '€' is three bytes of UTF-8: the limit counts bytes, not characters.
            String padding = "# " + "€".repeat((FlowParser.DEFAULT_MAX_BYTES - utf8(valid) - 3) / 3);
            String exact = valid + padding + "x".repeat(FlowParser.DEFAULT_MAX_BYTES - utf8(valid) - utf8(padding) - 1) + "\n";
            assertThat(utf8(exact)).isEqualTo(FlowParser.DEFAULT_MAX_BYTES);

            assertThat(parser.parse(exact).ok()).isTrue();
            assertThat(problems(exact + "\n")).containsExactly(
                    "order.yaml:1:1: error: the document is 1048577 bytes, over the limit of 1048576 bytes");
        }

        @Test
        void honoursASmallerLimit() {
            ParseResult result = new FlowParser(64).parse(HEADER);

            assertThat(result.diagnostics()).singleElement().satisfies(d -> {
                assertThat(d.code()).isEqualTo(DiagnosticCodes.TOO_LARGE);
                assertThat(d.message()).isEqualTo("the document is " + utf8(HEADER) + " bytes, over the limit of 64 bytes");
            });
        }

        @Test
        void refusesANonPositiveLimit() {
            assertThatThrownBy(() -> new FlowParser(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxBytes must be >= 1, was 0");
        }

        @Test
        void stopsABillionLaughsQuicklyAndWithoutExpandingIt() {
            StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
            for (char c = 'b'; c <= 'z'; c++) {
                char previous = (char) (c - 1);
                bomb.append(c).append(": &").append(c).append(" [")
                        .append(String.join(", ", java.util.Collections.nCopies(9, "*" + previous))).append("]\n");
            }

            ParseResult result = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> parser.parse(bomb.toString()));

            assertThat(result.diagnostics()).singleElement().satisfies(d -> {
                assertThat(d.code()).isEqualTo(DiagnosticCodes.TOO_MANY_ALIASES);
                assertThat(d.format("bomb.yaml")).isEqualTo(
                        "bomb.yaml:7:28: error: the document uses more than 50 aliases of mappings or lists");
            });
        }

        @Test
        void stopsABombThatStaysUnderTheAliasCountButDoublesAtEachLevel() {
            // 25 levels of two aliases: 50 aliases, 2^25 nodes once expanded.
            StringBuilder bomb = new StringBuilder("l0: &l0 [x, x]\n");
            for (int i = 1; i <= 25; i++) {
                bomb.append("l").append(i).append(": &l").append(i)
                        .append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
            }

            ParseResult result = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> parser.parse(bomb.toString()));

            assertThat(result.diagnostics()).singleElement().satisfies(d -> {
                assertThat(d.code()).isEqualTo(DiagnosticCodes.TOO_MANY_ALIASES);
                assertThat(d.format("bomb.yaml")).isEqualTo(
                        "bomb.yaml:2:10: error: aliases expand the document by more than 100000 nodes");
            });
        }

        @Test
        void stopsDeepNestingBeforeTheComposerRecursesIntoIt() {
            ParseResult result = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> parser.parse("[".repeat(FlowParser.DEFAULT_MAX_BYTES)));

            assertThat(result.diagnostics()).singleElement().satisfies(d -> {
                assertThat(d.code()).isEqualTo(DiagnosticCodes.TOO_DEEP);
                assertThat(d.format("deep.yaml")).isEqualTo("deep.yaml:1:51: error: the document nests deeper than 50 levels");
            });
        }

        @Test
        void stopsNestingMadeDeepByAliases() {
            StringBuilder deep = new StringBuilder("a0: &a0 [[[[[[[[[[1]]]]]]]]]]\n");
            for (int i = 1; i <= 6; i++) {
                deep.append("a").append(i).append(": &a").append(i).append(" [[[[[[[[[*a").append(i - 1).append("]]]]]]]]]\n");
            }

            assertThat(parser.parse(deep.toString()).diagnostics()).singleElement()
                    .satisfies(d -> assertThat(d.code()).isEqualTo(DiagnosticCodes.TOO_DEEP));
        }

        @Test
        void neverThrowsAndNeverLeaksAnInternalErrorForMangledDocuments() throws IOException {
            Random random = new Random(20240611L);
            String[] sources = {
                    resource("/flows/valid/order-checkout.yaml"), resource("/flows/valid/travel-booking.yaml"),
                    resource("/flows/valid/loan-origination.yaml"), resource("/flows/invalid/many-problems.yaml"),
                    resource("/flows/valid/order-checkout-parallel.yaml"), resource("/flows/valid/points-granted.yaml"),
                    resource("/flows/valid/merchant-callback.yaml"), resource("/flows/valid/products-cache.yaml"),
                    resource("/flows/valid/stock-cache-mariadb.yaml")};
            String alphabet = "{}[]:,-&*!|>'\"#%@`?\t\n ${.}abc0123\u0000\u00e9\ud83d\ude00";
            for (int i = 0; i < 1500; i++) {
                StringBuilder text = new StringBuilder(sources[random.nextInt(sources.length)]);
                int edits = 1 + random.nextInt(6);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(text.length());
                    switch (random.nextInt(3)) {
                        case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        default -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(20)));
                    }
                    if (text.isEmpty()) {
                        text.append(' ');
                    }
                }
                String mangled = text.toString();

                ParseResult result = parser.parse(mangled);

                assertThat(result.diagnostics()).as("document:%n%s", mangled)
                        .noneMatch(d -> d.code().equals(DiagnosticCodes.INTERNAL_ERROR)
                                || d.code().equals(DiagnosticCodes.INVALID_DOCUMENT))
                        .allSatisfy(d -> {
                            assertThat(d.line()).isPositive();
                            assertThat(d.column()).isPositive();
                            assertThat(d.message()).doesNotContain("\n");
                        });
                assertThat(result.ok()).isEqualTo(result.diagnostics().stream()
                        .noneMatch(d -> d.severity() == Diagnostic.Severity.ERROR));
            }
        }
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(FlowParserTest.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
