package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The parser and the published JSON Schema cannot drift: every fixture goes through both.
 *
 * <ul>
 *   <li>A valid fixture passes both.</li>
 *   <li>An invalid fixture is refused by the parser, and by the schema too unless it is marked:
 *       {@code # schema: valid} for problems only the parser's semantic checks find (unknown participant, duplicate
 *       name, bad jq, maxDelay below initialDelay, nesting limit ...), asserted to pass the schema;
 *       {@code # schema: not-json} for text that has no JSON equivalent for a schema to judge (YAML syntax, duplicate
 *       keys, several documents, recursive or exploding aliases), asserted not to load as one JSON value.</li>
 * </ul>
 *
 * The YAML is turned into JSON the way an editor does (snakeyaml-engine's core schema, merge keys applied), not by
 * the parser's own reader, so the schema is checked against what {@code yaml-language-server} sees.
 */
class FlowSchemaTest {

    /** Where the schema lives in the repository; the modelines of the flows point at this file. */
    static final Path SCHEMA_FILE = Path.of("src/main/resources/schema/sagaflow-flow.schema.json");
    private static final Path SAMPLE_FLOWS = Path.of("../sample-flows/flows");

    private static final Pattern MARKER = Pattern.compile("(?m)^# schema: (valid|not-json)\\b");
    private static final Pattern MODELINE = Pattern.compile("# yaml-language-server: \\$schema=(\\S+)");

    private static final JsonSchema SCHEMA = loadSchema();
    private final FlowParser parser = new FlowParser();

    static Stream<Path> validFlows() throws IOException, URISyntaxException {
        return FlowFixturesTest.validFlows();
    }

    static Stream<Path> invalidFlows() throws IOException, URISyntaxException {
        return FlowFixturesTest.invalidFlows();
    }

    static Stream<Path> sampleFlows() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLE_FLOWS)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFlows")
    void validFixturePassesParserAndSchema(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);

        assertThat(parser.parse(text).ok()).isTrue();
        assertThat(schemaProblems(text)).isEmpty();
        // the fixture is read from the test classpath; its modeline is relative to where it is in the repository
        assertModelinePointsAtTheSchema(Path.of("src/test/resources/flows/valid").resolve(file.getFileName()), text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleFlows")
    void sampleFlowPassesParserAndSchema(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);

        assertThat(parser.parse(text).diagnostics()).map(d -> d.format(file.toString())).isEmpty();
        assertThat(schemaProblems(text)).isEmpty();
        assertModelinePointsAtTheSchema(file, text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFlows")
    void invalidFixtureIsRefusedByTheSchemaUnlessOnlySemanticChecksCanTell(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(parser.parse(text).ok()).as("the parser refuses %s", file.getFileName()).isFalse();

        Matcher marker = MARKER.matcher(text);
        String category = marker.find() ? marker.group(1) : "structural";
        switch (category) {
            case "valid" -> assertThat(schemaProblems(text))
                    .as("%s is marked '# schema: valid': only the parser can find its problems", file.getFileName())
                    .isEmpty();
            case "not-json" -> assertThatThrownBy(() -> toJson(text))
                    .as("%s is marked '# schema: not-json'", file.getFileName())
                    .isInstanceOf(RuntimeException.class);
            default -> assertThat(schemaProblems(text))
                    .as("%s has a structural problem, so the schema must refuse it too (or mark the fixture "
                            + "'# schema: valid' if only semantic checks can find it)", file.getFileName())
                    .isNotEmpty();
        }
    }

    @Test
    void everyPropertyOfTheSchemaHasADescription() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(SCHEMA_FILE.toFile());
        List<String> undocumented = new ArrayList<>();
        collectUndocumented(schema, "", undocumented);

        assertThat(undocumented).isEmpty();
    }

    @Test
    void theSchemaOnTheClasspathIsTheOneInTheRepository() throws IOException {
        try (InputStream in = Objects.requireNonNull(FlowSchemaTest.class.getResourceAsStream(
                "/schema/sagaflow-flow.schema.json"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(SCHEMA_FILE));
        }
    }

    @Test
    void refusesWhatOnlyAStructuralRuleCatchesAndAcceptsWhatOnlyTheParserCatches() {
        String saga = """
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: checkout, version: 1 }
                spec:
                  participants: { orders: { http: { url: "http://orders:8080" } } }
                  steps:
                    - name: hold
                      parallel:
                        - { name: a, participant: orders, action: a }
                        - { name: b, participant: orders, tcc: { try: t, confirm: c, cancel: x } }
                """;
        assertThat(schemaProblems(saga)).isEmpty();
        assertThat(schemaProblems(saga.replace("cancel: x", "cancle: x"))).isNotEmpty();
        assertThat(schemaProblems(saga.replace("action: a }", "action: a, tcc: { try: t, confirm: c, cancel: x } }")))
                .isNotEmpty();
        assertThat(schemaProblems(saga.replace("participant: orders, action: a", "parallel: []"))).isNotEmpty();
        // an unknown participant is a semantic problem: the schema cannot know the declared names
        assertThat(schemaProblems(saga.replace("participant: orders, action: a", "participant: order, action: a")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "circuitBreaker: {}", "circuitBreaker: { failureRatio: 1 }", "circuitBreaker: { failureRatio: 0.01 }",
        "bulkhead: 1", "rateLimit: { permits: 1, per: 1ms }"})
    void acceptsTheProtectionsThatTheParserAccepts(String protection) {
        String saga = sagaWithProtection(protection);

        assertThat(parser.parse(saga).diagnostics()).isEmpty();
        assertThat(schemaProblems(saga)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "circuitBreaker:", "circuitBreaker: { failureRatio: 0 }", "circuitBreaker: { failureRatio: 1.5 }",
        "circuitBreaker: { failureRatio: '0.5' }", "circuitBreaker: { requestVolume: 0 }",
        "circuitBreaker: { delay: 0s }", "circuitBreaker: { successThreshold: 0 }", "circuitBreaker: { window: 10 }",
        "circuitBraker: {}", "bulkhead: 0", "bulkhead: '10'", "bulkhead: 2.5", "rateLimit: { permits: 50 }",
        "rateLimit: { permits: 0, per: 1s }", "rateLimit: { permits: 5, per: 0s }"})
    void refusesTheProtectionsThatTheParserRefuses(String protection) {
        String saga = sagaWithProtection(protection);

        assertThat(parser.parse(saga).ok()).isFalse();
        assertThat(schemaProblems(saga)).isNotEmpty();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static String sagaWithProtection(String protection) {
        return """
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: checkout, version: 1 }
                spec:
                  participants:
                    orders:
                      http:
                        url: "http://orders:8080"
                        %s
                  steps: [ { name: a, participant: orders, action: a } ]
                """.formatted(protection);
    }

    private static void assertModelinePointsAtTheSchema(Path file, String text) throws IOException {
        Matcher m = MODELINE.matcher(text.lines().findFirst().orElse(""));
        assertThat(m.lookingAt()).as("%s starts with '# yaml-language-server: $schema=...'", file).isTrue();
        Path target = file.getParent().resolve(m.group(1)).normalize();
        assertThat(target).as("the modeline of %s", file).exists();
        assertThat(Files.isSameFile(target, SCHEMA_FILE)).as("the modeline of %s names the schema", file).isTrue();
    }

    static List<String> schemaProblems(String yaml) {
        Set<ValidationMessage> messages = SCHEMA.validate(toJson(yaml));
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** The document as one JSON value, as an editor sees it; throws when it has none. */
    static JsonNode toJson(String yaml) {
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50)
                .build();
        Object loaded = new Load(settings).loadFromString(yaml);
        return json(loaded, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static JsonNode json(Object value, Set<Object> enclosing) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            if (!enclosing.add(value)) {
                throw new IllegalArgumentException("a recursive alias has no JSON equivalent");
            }
            JsonNode out;
            if (value instanceof Map<?, ?> map) {
                ObjectNode object = f.objectNode();
                map.forEach((k, v) -> object.set(String.valueOf(k), json(v, enclosing)));
                out = object;
            } else {
                var array = f.arrayNode();
                ((List<?>) value).forEach(v -> array.add(json(v, enclosing)));
                out = array;
            }
            enclosing.remove(value);
            return out;
        }
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return f.numberNode(i);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof BigInteger b) {
            return f.numberNode(b);
        }
        if (value instanceof Double d) {
            return f.numberNode(d);
        }
        return f.textNode(String.valueOf(value));
    }

    /** Every schema under a {@code properties} mapping must say what the key means (but not in if/then switches). */
    private static void collectUndocumented(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            JsonNode properties = node.get("properties");
            boolean condition = path.endsWith("/if") || path.endsWith("/then");
            if (properties != null && properties.isObject() && !condition) {
                properties.fieldNames().forEachRemaining(name -> {
                    if (!properties.get(name).has("description")) {
                        out.add(path + "/properties/" + name);
                    }
                });
            }
            node.fields().forEachRemaining(child ->
                    collectUndocumented(child.getValue(), path + "/" + child.getKey(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectUndocumented(node.get(i), path + "/" + i, out);
            }
        }
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = Files.newInputStream(SCHEMA_FILE)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SCHEMA_FILE.toAbsolutePath(), e);
        }
    }
}
