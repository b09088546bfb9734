package io.sagaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code sagaflow ...} in-process, as a CI would, and checks what it prints and its exit code. */
class ValidateCommandTest {

    private static final String VALID = """
            apiVersion: sagaflow.io/v1
            kind: Saga
            metadata: { name: order-checkout, version: 1 }
            spec:
              participants:
                orders:   { http:  { url: http://127.0.0.1:8081/orders } }
                payments: { kafka: { topic: payments.commands } }
              steps:
                - { name: create-order, participant: orders, action: create, compensation: cancel }
                - name: hold
                  parallel:
                    - { name: charge, participant: payments, tcc: { try: freeze, confirm: capture, cancel: unfreeze } }
                    - { name: notify, participant: orders, action: notify }
            """;

    private static final String INVALID = """
            apiVersion: sagaflow.io/v1
            kind: Saga
            metadata: { name: order-checkout, version: 1 }
            spec:
              participants:
                orders:   { http:  { url: http://127.0.0.1:8081/orders } }
                payments: { kafka: { topic: payments.commands } }
              steps:
                - { name: create-order, participant: orders, action: create, timeout: 30 sec }
                - { name: charge, participant: paymnts, tcc: { try: freeze, cancel: unfreeze } }
            """;

    private static final String WARNING_ONLY = """
            apiVersion: sagaflow.io/v1
            kind: Saga
            metadata: { name: order-checkout, version: 1 }
            spec:
              participants: { orders: { http: { url: http://127.0.0.1:8081/orders } } }
              steps:
                - { name: create-order, participant: orders, action: create, input: { ref: "order-${ .input.id }" } }
            """;

    @TempDir
    Path dir;

    /** Exit code and what the command wrote to each stream. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private Run sagaflow(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SagaflowCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String file(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file.toString();
    }

    @Test
    void exitsZeroAndSaysSoForAValidFile() throws IOException {
        Run run = sagaflow("validate", file("checkout.yaml", VALID));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("1 file checked: all valid\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void printsEveryProblemLikeACompilerAndExitsOne() throws IOException {
        String invalid = file("checkout.yaml", INVALID);

        Run run = sagaflow("validate", invalid);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(
                invalid + ":9:75: error: spec.steps[0].timeout: '30 sec' is not a duration; expected e.g. 150ms, 2s, "
                        + "5m, 1h (did you mean '30s'?)",
                invalid + ":10:36: error: unknown participant 'paymnts' (did you mean 'payments'?)",
                invalid + ":10:50: error: spec.steps[1].tcc is missing confirm; a TCC step needs try, confirm and "
                        + "cancel (e.g. { try: freeze, confirm: capture, cancel: unfreeze })",
                "1 file checked: 1 invalid (3 errors, 0 warnings)");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void checksEveryFileAndSumsUpAllOfThem() throws IOException {
        String valid = file("a.yaml", VALID);
        String invalid = file("b.yaml", INVALID);
        String warning = file("c.yaml", WARNING_ONLY);

        Run run = sagaflow("validate", valid, invalid, warning);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).filteredOn(l -> l.startsWith(invalid)).hasSize(3);
        assertThat(run.outLines()).filteredOn(l -> l.startsWith(warning)).singleElement().asString()
                .startsWith(warning + ":7:80: warning: spec.steps[0].input.ref is sent as written");
        assertThat(run.outLines()).last().isEqualTo("3 files checked: 1 invalid (3 errors, 1 warning)");
    }

    @Test
    void exitsZeroWhenThereAreOnlyWarnings() throws IOException {
        Run run = sagaflow("validate", file("checkout.yaml", WARNING_ONLY));

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).last().isEqualTo("1 file checked: all valid (0 errors, 1 warning)");
    }

    @Test
    void printsDiagnosticsAsJsonData() throws IOException {
        String invalid = file("checkout.yaml", INVALID);
        String warning = file("warning.yaml", WARNING_ONLY);

        Run run = sagaflow("validate", "--output", "json", invalid, file("ok.yaml", VALID), warning);

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(4);
        JsonNode participant = json.get(1);
        assertThat(participant.get("file").asText()).isEqualTo(invalid);
        assertThat(participant.get("line").asInt()).isEqualTo(10);
        assertThat(participant.get("column").asInt()).isEqualTo(36);
        assertThat(participant.get("path").asText()).isEqualTo("spec.steps[1].participant");
        assertThat(participant.get("code").asText()).isEqualTo("unknown-participant");
        assertThat(participant.get("severity").asText()).isEqualTo("error");
        assertThat(participant.get("message").asText()).isEqualTo("unknown participant 'paymnts'");
        assertThat(participant.get("hint").asText()).isEqualTo("did you mean 'payments'?");
        JsonNode last = json.get(3);
        assertThat(last.get("file").asText()).isEqualTo(warning);
        assertThat(last.get("severity").asText()).isEqualTo("warning");
        List<String> fields = new ArrayList<>();
        last.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("file", "line", "column", "path", "code", "severity", "message", "hint");
    }

    @Test
    void printsAnEmptyJsonArrayForValidFiles() throws IOException {
        Run run = sagaflow("validate", "-o", "JSON", file("ok.yaml", VALID));

        assertThat(run.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).isEmpty()).isTrue();
    }

    @Test
    void exitsTwoForAMissingFileAndStillChecksTheOthers() throws IOException {
        String missing = dir.resolve("nope.yaml").toString();
        String invalid = file("checkout.yaml", INVALID);

        Run run = sagaflow("validate", missing, invalid);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(missing + ": error: cannot read the file: no such file\n");
        assertThat(run.outLines()).hasSize(4).last()
                .isEqualTo("1 file checked: 1 invalid (3 errors, 0 warnings); 1 file could not be read");
    }

    @Test
    void refusesAFileThatIsNotUtf8() throws IOException {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "metadata: { name: caf\u00e9 }\n".getBytes(StandardCharsets.ISO_8859_1));

        Run run = sagaflow("validate", latin1.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(latin1 + ": error: cannot read the file: it is not UTF-8 text\n");
    }

    @Test
    void readsTheFlowFilesOfADirectoryInNameOrder() throws IOException {
        String b = file("b.yml", INVALID);
        file("a.yaml", VALID);
        file("notes.txt", "not a flow");

        Run run = sagaflow("validate", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).allMatch(l -> l.startsWith(b) || l.startsWith("2 files checked"));
    }

    @Test
    void refusesAFileOverTheSizeLimitWithoutReadingIt() throws IOException {
        String big = file("big.yaml", VALID);

        Run run = sagaflow("validate", "--max-bytes", "100", big);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).first().isEqualTo(big + ":1:1: error: the document is "
                + VALID.getBytes(StandardCharsets.UTF_8).length + " bytes, over the limit of 100 bytes");
    }

    @Test
    void exitsTwoOnUsageErrors() {
        assertThat(sagaflow().exitCode()).isEqualTo(2);
        assertThat(sagaflow("validate").exitCode()).isEqualTo(2);
        assertThat(sagaflow("validate", "--output", "xml", "a.yaml").exitCode()).isEqualTo(2);
        assertThat(sagaflow("validate", "--max-bytes", "0", "a.yaml").exitCode()).isEqualTo(2);
        Run unknown = sagaflow("lint", "a.yaml");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched arguments");
    }

    @Test
    void documentsItsExitCodes() {
        Run help = sagaflow("validate", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: sagaflow validate", "--output", "1   at least one file has an error");
    }
}
