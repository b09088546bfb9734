package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.FlowDocument;
import io.sagaflow.dsl.model.Kind;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Stage;
import io.sagaflow.dsl.model.Step;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every document under {@code flows/valid} parses without a diagnostic; every {@code flows/invalid/NAME.yaml} gives
 * exactly the diagnostics listed in {@code NAME.expected}, one {@code LINE:COLUMN: severity: MESSAGE (HINT)} a line.
 */
class FlowFixturesTest {

    private final FlowParser parser = new FlowParser();

    static Stream<Path> validFlows() throws IOException, URISyntaxException {
        return yamlFiles("valid");
    }

    static Stream<Path> invalidFlows() throws IOException, URISyntaxException {
        return yamlFiles("invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFlows")
    void validFlowParsesWithoutDiagnostics(Path file) throws IOException {
        ParseResult result = parser.parse(Files.readString(file, StandardCharsets.UTF_8));

        assertThat(result.diagnostics()).map(d -> d.format(file.getFileName().toString())).isEmpty();
        assertThat(result.ok()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFlows")
    void invalidFlowGivesExactlyTheExpectedDiagnostics(Path file) throws IOException {
        String name = file.getFileName().toString();
        Path expectedFile = file.resolveSibling(name.replaceFirst("\\.yaml$", ".expected"));
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .map(line -> name + ":" + line)
                .toList();

        ParseResult result = parser.parse(Files.readString(file, StandardCharsets.UTF_8));

        assertThat(result.diagnostics()).map(d -> d.format(name)).containsExactlyElementsOf(expected);
        assertThat(result.ok()).isFalse();
        assertThat(result.document()).isEmpty();
    }

    @Test
    void everyInvalidFixtureHasItsExpectedDiagnosticsAndThereAreEnoughOfThem() throws Exception {
        List<Path> invalid = invalidFlows().toList();
        assertThat(invalid).hasSizeGreaterThanOrEqualTo(40);
        for (Path yaml : invalid) {
            assertThat(yaml.resolveSibling(yaml.getFileName().toString().replaceFirst("\\.yaml$", ".expected")))
                    .exists();
        }
        try (Stream<Path> expected = Files.list(directory("invalid"))) {
            expected.filter(p -> p.toString().endsWith(".expected")).forEach(p ->
                    assertThat(p.resolveSibling(p.getFileName().toString().replaceFirst("\\.expected$", ".yaml")))
                            .as("fixture for %s", p.getFileName()).exists());
        }
    }

    @Test
    void validFixturesCoverEveryKindAndEveryFormOfStep() throws Exception {
        List<FlowDocument> documents = new ArrayList<>();
        for (Path file : validFlows().toList()) {
            documents.add(parser.parse(Files.readString(file, StandardCharsets.UTF_8)).document().orElseThrow());
        }

        assertThat(documents).extracting(FlowDocument::kind).contains(Kind.values());
        assertThat(documents).filteredOn(SagaFlow.class::isInstance).map(SagaFlow.class::cast)
                .anySatisfy(saga -> {
                    assertThat(saga.stages()).anyMatch(Stage::parallel);
                    assertThat(saga.steps()).anyMatch(Step::isTcc);
                    assertThat(saga.steps()).anyMatch(s -> s.compensation().isEmpty() && !s.isTcc());
                });
    }

    @Test
    void everyDiagnosticCodeIsDocumentedAndEveryReachableOneHasAFixture() throws Exception {
        Set<String> codes = new TreeSet<>();
        for (Field f : DiagnosticCodes.class.getFields()) {
            codes.add((String) f.get(null));
        }
        Set<String> inFixtures = new TreeSet<>();
        for (Path file : invalidFlows().toList()) {
            parser.parse(Files.readString(file, StandardCharsets.UTF_8)).diagnostics()
                    .forEach(d -> inFixtures.add(d.code()));
        }
        String docs = Files.readString(Path.of("../docs/flows.md"), StandardCharsets.UTF_8);

        assertThat(codes).allSatisfy(code -> assertThat(docs).as("docs/flows.md names %s", code)
                .contains("`" + code + "`"));
        // parser bugs cannot have fixtures; the size limit is tested at exactly 1 MiB in FlowParserTest
        assertThat(inFixtures).containsAll(codes.stream()
                .filter(c -> !Set.of(DiagnosticCodes.INTERNAL_ERROR, DiagnosticCodes.INVALID_DOCUMENT,
                        DiagnosticCodes.TOO_LARGE).contains(c)).toList());
    }

    private static Stream<Path> yamlFiles(String kind) throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(directory(kind))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    private static Path directory(String kind) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(FlowFixturesTest.class.getResource("/flows/" + kind), kind).toURI());
    }
}
