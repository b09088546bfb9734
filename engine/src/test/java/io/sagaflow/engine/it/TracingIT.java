package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One saga is one trace (issue 16, item 4; docs/tracing.md): the checkout (HTTP, Kafka, Kafka, HTTP participants)
 * started by a caller that sends its own {@code traceparent}, with the engine's tracing on and the sample
 * participants' SDK on the same OpenTelemetry. The span tree is asserted link by link: REST call -> saga start ->
 * step attempt -> the participant's span (the HTTP connector's call, or the SDK's handling of a Kafka command) -> the
 * reply's application -> the next attempt, and so on to the last reply.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@QuarkusTestResource(SagaflowStack.class)
class TracingIT {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";

    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void participantsTraceWithTheEnginesOpenTelemetry() {
        // The sample participants run in this JVM; their SDK uses GlobalOpenTelemetry (CommandTracing.detect()).
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(openTelemetry);
        Api.deploySampleFlows();
        spans.reset();
    }

    @AfterAll
    static void forgetTheGlobal() {
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void aSagaIsOneTraceWithASpanPerStepAttempt() {
        String id = given().contentType(ContentType.JSON)
                .header("traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01")
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"o-trace\",\"amount\":12}}")
                .post("/api/sagas").then().statusCode(201).extract().path("id");
        assertThat(Api.awaitEnd(id).getString("status")).isEqualTo("COMPLETED");

        // the last reply's span (child of the last step's HTTP call) closes the tree
        await().atMost(Duration.ofSeconds(20)).until(() -> replies(trace()).size() == 4);
        List<SpanData> trace = trace();
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));

        SpanData server = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().contains("/api/sagas"))
                .findFirst().orElseThrow(() -> new AssertionError("no REST span in " + names(trace)));
        assertThat(server.getParentSpanId()).as("the REST call joins the caller's trace").isEqualTo(CALLER_SPAN);
        SpanData start = only(trace, "saga order-checkout start");
        assertThat(start.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(start.getAttributes().asMap().toString()).contains(id);

        List<String> steps = List.of("create-order", "charge", "reserve-stock", "ship");
        List<Boolean> overHttp = List.of(true, false, false, true);
        SpanData parentOfAttempt = start;
        for (int i = 0; i < steps.size(); i++) {
            SpanData attempt = only(trace, steps.get(i) + " action #1");
            assertThat(attempt.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(attempt.getParentSpanId()).as("parent of %s", attempt.getName()).isEqualTo(parentOfAttempt.getSpanId());
            SpanData participant = childOf(trace, attempt);
            if (overHttp.get(i)) {
                assertThat(participant.getKind()).as("the HTTP connector's call").isEqualTo(SpanKind.CLIENT);
                assertThat(participant.getAttributes().asMap().toString()).contains("http.response.status_code=200");
            } else {
                assertThat(participant.getKind()).as("the SDK's handling").isEqualTo(SpanKind.CONSUMER);
                assertThat(participant.getName()).endsWith(" process");
            }
            SpanData reply = childOf(trace, participant);
            assertThat(reply.getName()).isEqualTo("saga order-checkout reply");
            assertThat(byId).containsKey(reply.getParentSpanId());
            parentOfAttempt = reply;
        }
        System.out.println("span tree of saga " + id + ":\n" + tree(trace, CALLER_SPAN, 0));
        assertThat(trace).filteredOn(s -> s.getName().endsWith(" #1")).hasSize(4);
        assertThat(trace).filteredOn(s -> s.getName().contains(" #") && !s.getName().endsWith(" #1"))
                .as("no retries in this run").isEmpty();
    }

    private List<SpanData> trace() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(TRACE)).toList();
    }

    private static List<SpanData> replies(List<SpanData> trace) {
        return trace.stream().filter(s -> s.getName().equals("saga order-checkout reply")).toList();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> found = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named '%s' in %s", name, names(trace)).hasSize(1);
        return found.get(0);
    }

    private static SpanData childOf(List<SpanData> trace, SpanData parent) {
        List<SpanData> children = trace.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
        assertThat(children).as("children of '%s' in %s", parent.getName(), names(trace)).hasSize(1);
        return children.get(0);
    }

    /** The spans under {@code parent}, indented, with their kinds. */
    private static String tree(List<SpanData> trace, String parent, int depth) {
        StringBuilder out = new StringBuilder();
        trace.stream().filter(s -> s.getParentSpanId().equals(parent))
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
                .forEach(s -> out.append("  ".repeat(depth)).append(s.getName()).append(" [").append(s.getKind())
                        .append("]\n").append(tree(trace, s.getSpanId(), depth + 1)));
        return out.toString();
    }

    private static List<String> names(List<SpanData> trace) {
        List<String> out = new ArrayList<>();
        trace.forEach(s -> out.add(s.getName() + "(" + s.getSpanId() + "<-" + s.getParentSpanId() + ")"));
        return out;
    }
}
