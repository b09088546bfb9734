package io.sagaflow.engine.saga;

import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.InputTemplate;
import io.sagaflow.dsl.model.KafkaParticipant;
import io.sagaflow.dsl.model.Participant;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Stage;
import io.sagaflow.dsl.model.StepCommands;
import io.sagaflow.dsl.model.Step;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Flows for the core's tests, built in code so these tests do not depend on the parser. */
final class Flows {

    static final RetryPolicy THREE_FIXED =
            new RetryPolicy(3, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofSeconds(1), 0);

    static Map<String, Participant> participants() {
        return Map.of(
                "orders", new HttpParticipant("orders", URI.create("http://127.0.0.1:8081/orders"), Optional.empty()),
                "payments", new KafkaParticipant("payments", "payments.commands"),
                "inventory", new KafkaParticipant("inventory", "inventory.commands"),
                "shipping", new HttpParticipant("shipping", URI.create("http://127.0.0.1:8081/shipping"),
                        Optional.of(Duration.ofSeconds(2))));
    }

    static Step step(String name, String participant, String action, String compensation, RetryPolicy retry) {
        return new Step(name, participant, action, Optional.ofNullable(compensation), Optional.empty(), retry,
                Duration.ofSeconds(30));
    }

    /** create-order -> charge -> reserve, every step compensable. */
    static SagaFlow threeSteps(RetryPolicy retry) {
        return SagaFlow.sequential(new FlowId("checkout", 1), participants(), List.of(
                step("create-order", "orders", "create", "cancel", retry),
                step("charge", "payments", "charge", "refund", retry),
                step("reserve", "inventory", "reserve", "release", retry)));
    }

    static SagaFlow threeSteps() {
        return threeSteps(THREE_FIXED);
    }

    /** create-order -> ship (pivot, no compensation) -> notify. */
    static SagaFlow withPivot() {
        return SagaFlow.sequential(new FlowId("pivot", 1), participants(), List.of(
                step("create-order", "orders", "create", "cancel", THREE_FIXED),
                step("ship", "shipping", "schedule", null, THREE_FIXED),
                step("reserve", "inventory", "reserve", "release", THREE_FIXED)));
    }

    static SagaFlow withInputs() {
        InputTemplate charge = InputTemplate.compile(SagaScenario.json(
                "{\"orderId\": \"${ .input.orderId }\", \"order\": \"${ .steps[\\\"create-order\\\"].output.number }\"}"));
        return SagaFlow.sequential(new FlowId("inputs", 1), participants(), List.of(
                step("create-order", "orders", "create", "cancel", THREE_FIXED),
                new Step("charge", "payments", "charge", Optional.of("refund"), Optional.of(charge), THREE_FIXED,
                        Duration.ofSeconds(5))));
    }

    static Step tcc(String name, String participant) {
        return new Step(name, participant, new StepCommands.Tcc("freeze", "capture", "unfreeze"), Optional.empty(),
                THREE_FIXED, Duration.ofSeconds(30));
    }

    /** create-order -> [reserve-stock | charge (TCC)] -> ship (pivot). */
    static SagaFlow parallelWithTcc() {
        return new SagaFlow(new FlowId("hold", 1), participants(), List.of(
                Stage.single(step("create-order", "orders", "create", "cancel", THREE_FIXED)),
                Stage.parallel("hold", List.of(
                        step("reserve-stock", "inventory", "reserve", "release", THREE_FIXED),
                        tcc("charge", "payments"))),
                Stage.single(step("ship", "shipping", "schedule", null, THREE_FIXED))));
    }

    private Flows() {
    }
}
