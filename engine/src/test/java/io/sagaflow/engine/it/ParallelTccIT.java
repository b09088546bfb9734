package io.sagaflow.engine.it;

import static io.sagaflow.engine.it.Api.awaitEnd;
import static io.sagaflow.engine.it.Api.commands;
import static io.sagaflow.engine.it.Api.received;
import static io.sagaflow.engine.it.Api.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sagaflow.samples.Shop;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SPEC §3.1 checkout with a parallel group and a TCC step (sample flow order-hold), on the real stack. */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class ParallelTccIT {

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    @Test
    void runsTheGroupsBranchesAtOnceAndConfirmsTheTccStepAfterTheLastStep() {
        String id = start("order-hold", "{\"orderId\":\"h-1\",\"amount\":12}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPLETED");
        assertThat(saga.getString("steps.find { it.name == 'charge' }.status")).isEqualTo("CONFIRMED");
        assertThat(saga.getString("steps.find { it.name == 'reserve-stock' }.status")).isEqualTo("SUCCEEDED");
        List<String> cmds = commands(id);
        assertThat(cmds).containsSubsequence("orders:create", "shipping:schedule", "payments:capture");
        assertThat(cmds.indexOf("inventory:reserve")).isLessThan(cmds.indexOf("shipping:schedule"));
        assertThat(cmds.indexOf("payments:freeze")).isLessThan(cmds.indexOf("shipping:schedule"));
        // both branches were sent before either answered: they start together
        List<Shop.Received> branches = received(id).stream()
                .filter(r -> r.command().equals("reserve") || r.command().equals("freeze")).toList();
        assertThat(Duration.between(branches.get(0).at(), branches.get(1).at())).isLessThan(Duration.ofSeconds(2));
        assertThat(received(id).stream().filter(r -> r.command().equals("capture")).findFirst().orElseThrow().kind())
                .isEqualTo("confirm");
    }

    @Test
    void cancelsTheTryAndCompensatesWhenTheOtherBranchFails() {
        String id = start("order-hold", "{\"orderId\":\"h-2\",\"simulate\":{\"inventory\":\"fail\"}}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        assertThat(saga.getString("steps.find { it.name == 'charge' }.status")).isEqualTo("CANCELLED");
        assertThat(saga.getString("steps.find { it.name == 'reserve-stock' }.status")).isEqualTo("FAILED");
        List<String> cmds = commands(id);
        assertThat(cmds).containsSubsequence("payments:unfreeze", "orders:cancel");
        assertThat(cmds).doesNotContain("inventory:release", "payments:capture", "shipping:schedule");
    }

    @Test
    void cancelsEveryTriedStepWhenTheLastStepFails() {
        String id = start("order-hold", "{\"orderId\":\"h-3\",\"simulate\":{\"shipping\":\"fail\"}}");
        JsonPath saga = awaitEnd(id);

        assertThat(saga.getString("status")).isEqualTo("COMPENSATED");
        List<String> cmds = commands(id);
        assertThat(cmds).contains("inventory:release", "payments:unfreeze");
        assertThat(cmds.get(cmds.size() - 1)).isEqualTo("orders:cancel");
        assertThat(cmds).doesNotContain("payments:capture");
    }
}
