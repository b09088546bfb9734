package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.sagaflow.cli.SagaflowCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code sagaflow} command line against a real engine: what an operator types, what it prints, its exit codes. */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class CliIT {

    /** One run: exit code, standard output, standard error. */
    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void deploySampleFlows() {
        Api.deploySampleFlows();
    }

    private static Run sagaflow(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", "http://localhost:" + RestAssured.port));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        CommandLine cmd = SagaflowCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void deploysListsAndShowsFlowsAndPrintsARefusedDocumentAtItsLines() throws Exception {
        Path ok = Files.createTempFile("cli-flow", ".yaml");
        Files.writeString(ok, Files.readString(Path.of("../sample-flows/flows/order-checkout.yaml"))
                .replace("name: order-checkout", "name: cli-checkout"));
        Run deployed = sagaflow("deploy", ok.toString());
        assertThat(deployed.exit()).isZero();
        assertThat(deployed.out()).contains("Saga cli-checkout version 1 deployed");
        assertThat(sagaflow("deploy", ok.toString()).out()).contains("unchanged");

        Path bad = Files.createTempFile("cli-bad", ".yaml");
        Files.writeString(bad, "apiVersion: sagaflow.io/v1\nkind: Saga\nmetadata: { name: Bad_Name, version: 0 }\nspec: {}\n");
        Run refused = sagaflow("deploy", bad.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains(bad + ":3:").contains(": error: ");

        assertThat(sagaflow("flows", "list").out()).contains("cli-checkout").contains("order-checkout");
        Run show = sagaflow("flows", "show", "cli-checkout");
        assertThat(show.out()).contains("   1  ").contains("kind: Saga");
        assertThat(sagaflow("flows", "show", "no-such-flow").exit()).isEqualTo(1);
    }

    @Test
    void listsShowsWatchesAndRepairsASagaLikeAnOperator() {
        String failed = Api.start("order-checkout", "{\"orderId\":\"cli-1\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail\"}}");
        assertThat(Api.awaitEnd(failed).getString("status")).isEqualTo("FAILED");

        Run list = sagaflow("sagas", "list", "--status", "FAILED", "--flow", "order-checkout", "--since", "1h");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).startsWith("ID").contains(failed).contains("FAILED");
        Run listJson = sagaflow("sagas", "list", "--status", "FAILED", "-o", "json");
        assertThat(JsonPath.from(listJson.out()).getList("id", String.class)).contains(failed);

        Run show = sagaflow("sagas", "show", failed);
        assertThat(show.out()).contains("status:").contains("FAILED").contains("charge").contains("STEP");

        assertThat(sagaflow("sagas", "skip", failed, "charge").exit()).as("no --reason").isEqualTo(2);
        Run skipped = sagaflow("sagas", "skip", failed, "charge", "--reason", "refunded by hand");
        assertThat(skipped.exit()).isZero();
        Run watched = sagaflow("sagas", "watch", failed);
        assertThat(watched.exit()).isZero();
        assertThat(watched.out()).contains("SagaCompensated").contains("status:").contains("COMPENSATED");
        assertThat(Api.eventTypes(failed)).contains("StepSkipped");

        Run again = sagaflow("sagas", "retry", failed, "--reason", "nothing to retry");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).startsWith("sagaflow: 409");
        assertThat(sagaflow("sagas", "show", UUID.randomUUID().toString()).exit()).isEqualTo(1);
        assertThat(sagaflow("sagas", "watch", UUID.randomUUID().toString()).exit()).isEqualTo(1);
    }

    @Test
    void showsAndRedrivesDeadLettersAndShowsNodes() {
        String failed = Api.start("order-checkout", "{\"orderId\":\"cli-2\",\"simulate\":"
                + "{\"inventory\":\"fail\",\"payments\":\"compensation-fail\"}}");
        assertThat(Api.awaitEnd(failed).getString("status")).isEqualTo("FAILED");
        Run watchedFailed = sagaflow("sagas", "watch", failed);   // a FAILED saga's stream stays open: watch stops
        assertThat(watchedFailed.exit()).isZero();
        assertThat(watchedFailed.out()).contains("SagaFailed").contains("FAILED");
        Run letters = sagaflow("dead-letters", "list", "--source", "SAGA", "-o", "json");
        String letter = JsonPath.from(letters.out()).getString("items.find { it.origin == '" + failed + "' }.id");
        assertThat(letter).isNotNull();
        assertThat(sagaflow("dead-letters", "show", letter).out()).contains("origin:").contains(failed).contains("never redriven");
        Run redriven = sagaflow("dead-letters", "redrive", letter, "--reason", "try the refund again");
        assertThat(redriven.exit()).isZero();
        assertThat(redriven.out()).contains("REDRIVEN").contains("ACCEPTED");

        Run nodes = sagaflow("nodes");
        assertThat(nodes.exit()).isZero();
        assertThat(nodes.out()).startsWith("NODE").contains("true");
    }

    @Test
    void exitCodesSayWhatWentWrong() {
        assertThat(run("--server", "http://127.0.0.1:" + TestInfra.freePort(), "nodes").exit()).as("unreachable").isEqualTo(3);
        assertThat(run("--server", "ftp://x", "nodes").exit()).as("not an http URL").isEqualTo(2);
        assertThat(sagaflow("sagas", "list", "--limit", "0").exit()).isEqualTo(2);
        assertThat(sagaflow("sagas", "list", "--since", "yesterday").exit()).isEqualTo(2);
        assertThat(sagaflow("sagas", "frobnicate").exit()).isEqualTo(2);
        Run help = sagaflow("sagas", "skip", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: sagaflow sagas skip").contains("--reason");
        Run completion = run("generate-completion");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("dead-letters");
    }
}
