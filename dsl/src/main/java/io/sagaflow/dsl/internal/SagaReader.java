package io.sagaflow.dsl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.Durations;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.InputTemplate;
import io.sagaflow.dsl.model.KafkaParticipant;
import io.sagaflow.dsl.model.Participant;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Step;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The {@code spec} of a {@code kind: Saga} document (SPEC §3.1). */
final class SagaReader {

    static final List<String> SPEC_KEYS = List.of("participants", "defaults", "steps");
    static final List<String> PARTICIPANT_KEYS = List.of("http", "kafka");
    static final List<String> HTTP_KEYS = List.of("url", "timeout");
    static final List<String> KAFKA_KEYS = List.of("topic");
    static final List<String> DEFAULTS_KEYS = List.of("retry", "timeout");
    static final List<String> RETRY_KEYS = List.of("maxAttempts", "backoff", "initialDelay", "maxDelay", "jitter");
    static final List<String> STEP_KEYS =
            List.of("name", "participant", "action", "compensation", "input", "retry", "timeout", "parallel", "tcc");

    /** SPEC §3.1: a step's timeout when neither the step nor the defaults set one. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** A command becomes a URL path segment and a Kafka header value, so it is kept to a safe alphabet. */
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9._-]+");
    /** Kafka's own rule for topic names. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /** {@code .steps.create-order}: jq reads the hyphen as a minus. */
    private static final Pattern DOTTED_STEP = Pattern.compile("\\.steps\\s*\\.\\s*([a-z0-9][a-z0-9-]*[a-z0-9])");

    private final Problems problems;
    private final InputReader inputs;
    private final Set<String> stepNames = new LinkedHashSet<>();

    SagaReader(Problems problems) {
        this.problems = problems;
        this.inputs = new InputReader(problems);
    }

    /** Declared participants: every name (to check step references) and the models of the valid ones. */
    private record Declared(Set<String> names, Map<String, Participant> models) {
    }

    /** What steps inherit. {@code retry} is complete; {@code retrySet} is what the document itself set. */
    private record Defaults(RetryFields retrySet, RetryFields retry, boolean delaysInOrder, Duration timeout) {
        static final Defaults BUILT_IN =
                new Defaults(RetryFields.NONE, RetryFields.of(RetryPolicy.DEFAULT), true, DEFAULT_TIMEOUT);
    }

    /** One {@code retry} mapping as written and the values of its valid keys. */
    private record RetryBlock(Fields fields, RetryFields values) {
    }

    Optional<SagaFlow> read(Node specNode, Optional<FlowId> id) {
        Optional<Fields> spec = Fields.of(specNode, "spec", SPEC_KEYS, problems);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Optional<Declared> declared = spec.get().required("participants").flatMap(this::participants);
        Defaults defaults = spec.get().optional("defaults").map(this::defaults).orElse(Defaults.BUILT_IN);
        List<Step> steps = spec.get().required("steps").map(n -> steps(n, declared, defaults)).orElse(List.of());
        checkStepReferences();
        if (problems.hasErrors() || id.isEmpty() || declared.isEmpty()) {
            return Optional.empty();
        }
        return build(specNode, "spec", () -> SagaFlow.sequential(id.get(), declared.get().models(), steps));
    }

    // ---------------------------------------------------------------------------------------------- participants

    private Optional<Declared> participants(Node node) {
        Optional<Fields> all = Fields.of(node, "spec.participants", null, problems);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Set<String> names = new LinkedHashSet<>();
        Map<String, Participant> models = new LinkedHashMap<>();
        for (NodeTuple entry : all.get().entries()) {
            String name = ((ScalarNode) entry.getKeyNode()).getValue();
            names.add(name);
            participant(name, entry.getValueNode(), all.get().child(name)).ifPresent(p -> models.put(name, p));
        }
        return Optional.of(new Declared(names, models));
    }

    private Optional<Participant> participant(String name, Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, PARTICIPANT_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields p = fields.get();
        if (p.has("http") && p.has("kafka")) {
            problems.error(DiagnosticCodes.BAD_PARTICIPANT, node, path, "participant " + Nodes.quote(name)
                    + " must have exactly one of http or kafka, found both");
            return Optional.empty();
        }
        if (p.has("http")) {
            return http(name, p.optional("http").orElseThrow(), p.child("http"));
        }
        if (p.has("kafka")) {
            return kafka(name, p.optional("kafka").orElseThrow(), p.child("kafka"));
        }
        boolean misspelt = p.entries().stream().map(e -> ((ScalarNode) e.getKeyNode()).getValue())
                .anyMatch(key -> Suggestions.closest(key, PARTICIPANT_KEYS).isPresent());
        if (!misspelt) { // an unknown key close to http or kafka was already reported with a suggestion
            problems.error(DiagnosticCodes.BAD_PARTICIPANT, node, path, "participant " + Nodes.quote(name)
                    + " must have exactly one of http or kafka, found neither",
                    "e.g. { http: { url: http://host:8080/" + name + " } } or { kafka: { topic: " + name
                            + ".commands } }");
        }
        return Optional.empty();
    }

    private Optional<Participant> http(String name, Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, HTTP_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<URI> url = fields.get().string("url", true)
                .flatMap(text -> url(text, fields.get().optional("url").orElseThrow(), fields.get().child("url")));
        Optional<Node> timeoutNode = fields.get().optional("timeout");
        Optional<Duration> timeout = timeoutNode.flatMap(t -> duration(t, fields.get().child("timeout"), true));
        if (url.isEmpty() || timeoutNode.isPresent() && timeout.isEmpty()) {
            return Optional.empty();
        }
        return build(node, path, () -> new HttpParticipant(name, url.get(), timeout));
    }

    private Optional<URI> url(String text, Node node, String path) {
        String trimmed = text.trim();
        URI uri = null;
        String reason = null;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            reason = e.getReason().toLowerCase(Locale.ROOT) + " at index " + e.getIndex();
        }
        if (uri != null && isHttpWithHost(uri)) {
            if (uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return Optional.of(uri);
            }
            problems.error(DiagnosticCodes.BAD_URL, node, path, path + " must not have a query or fragment, found "
                    + Nodes.quote(text), "commands are posted to <url>/<command>");
            return Optional.empty();
        }
        String hint = !trimmed.contains("://") && parsesAsHttp("http://" + trimmed)
                ? "did you mean 'http://" + trimmed + "'?"
                : reason;
        problems.error(DiagnosticCodes.BAD_URL, node, path,
                path + " must be an absolute http or https URL, found " + Nodes.quote(text), hint);
        return Optional.empty();
    }

    private static boolean isHttpWithHost(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    }

    private static boolean parsesAsHttp(String text) {
        try {
            return isHttpWithHost(new URI(text));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private Optional<Participant> kafka(String name, Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, KAFKA_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> topic = fields.get().string("topic", true);
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        if (!TOPIC.matcher(topic.get()).matches() || topic.get().equals(".") || topic.get().equals("..")) {
            problems.error(DiagnosticCodes.BAD_TOPIC, fields.get().optional("topic").orElseThrow(),
                    fields.get().child("topic"), fields.get().child("topic") + " must be 1 to 249 letters, digits, "
                            + "'.', '_' or '-' (not '.' or '..'), found " + Nodes.quote(topic.get()));
            return Optional.empty();
        }
        return build(node, path, () -> new KafkaParticipant(name, topic.get()));
    }

    // -------------------------------------------------------------------------------------------------- defaults

    private Defaults defaults(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.defaults", DEFAULTS_KEYS, problems);
        if (fields.isEmpty()) {
            return Defaults.BUILT_IN;
        }
        Duration timeout = fields.get().optional("timeout")
                .flatMap(t -> duration(t, "spec.defaults.timeout", true))
                .orElse(DEFAULT_TIMEOUT);
        Optional<RetryBlock> retry = fields.get().optional("retry").flatMap(r -> retryBlock(r, "spec.defaults.retry"));
        if (retry.isEmpty()) {
            return new Defaults(RetryFields.NONE, Defaults.BUILT_IN.retry(), true, timeout);
        }
        RetryFields merged = retry.get().values().over(Defaults.BUILT_IN.retry());
        boolean inOrder = delaysInOrder(retry.get(), merged, key -> "is the built-in default");
        return new Defaults(retry.get().values(), merged, inOrder, timeout);
    }

    private Optional<RetryBlock> retryBlock(Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, RETRY_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields f = fields.get();
        Optional<Integer> maxAttempts = f.optional("maxAttempts").flatMap(n -> maxAttempts(n, f.child("maxAttempts")));
        Optional<Backoff> backoff = f.optional("backoff").flatMap(n -> backoff(n, f.child("backoff")));
        Optional<Duration> initialDelay =
                f.optional("initialDelay").flatMap(n -> duration(n, f.child("initialDelay"), false));
        Optional<Duration> maxDelay = f.optional("maxDelay").flatMap(n -> duration(n, f.child("maxDelay"), false));
        Optional<Double> jitter = f.optional("jitter").flatMap(n -> jitter(n, f.child("jitter")));
        return Optional.of(new RetryBlock(f, new RetryFields(maxAttempts, backoff, initialDelay, maxDelay, jitter)));
    }

    private Optional<Integer> maxAttempts(Node node, String path) {
        Optional<BigInteger> n = Nodes.integer(node);
        if (n.isEmpty()) {
            problems.wrongType(node, path, "an integer");
            return Optional.empty();
        }
        if (n.get().signum() < 1 || n.get().bitLength() > 31) {
            problems.error(DiagnosticCodes.BAD_RETRY, node, path, path + " must be between 1 and "
                    + Integer.MAX_VALUE + ", found " + n.get(),
                    n.get().signum() < 1 ? "1 means a single attempt, no retry" : null);
            return Optional.empty();
        }
        return Optional.of(n.get().intValue());
    }

    private Optional<Backoff> backoff(Node node, String path) {
        Optional<String> text = Nodes.string(node);
        if (text.isEmpty()) {
            problems.wrongType(node, path, "fixed or exponential");
            return Optional.empty();
        }
        for (Backoff b : Backoff.values()) {
            if (b.name().toLowerCase(Locale.ROOT).equals(text.get())) {
                return Optional.of(b);
            }
        }
        problems.error(DiagnosticCodes.BAD_RETRY, node, path, path + " must be fixed or exponential, found "
                + Nodes.quote(text.get()),
                Suggestions.didYouMean(text.get(), List.of("fixed", "exponential")).orElse(null));
        return Optional.empty();
    }

    private Optional<Double> jitter(Node node, String path) {
        if (!Nodes.isNumber(node)) {
            problems.wrongType(node, path, "a number between 0 and 1");
            return Optional.empty();
        }
        Optional<BigDecimal> n = Nodes.number(node);
        if (n.isEmpty() || n.get().compareTo(BigDecimal.ZERO) < 0 || n.get().compareTo(BigDecimal.ONE) > 0) {
            problems.error(DiagnosticCodes.BAD_RETRY, node, path, path + " must be between 0 and 1, found "
                    + ((ScalarNode) node).getValue(), "0.2 spreads each wait over 80% to 120% of its delay");
            return Optional.empty();
        }
        return Optional.of(n.get().doubleValue());
    }

    /**
     * Reports a {@code maxDelay} shorter than {@code initialDelay} in the policy that {@code block} contributes to,
     * at the key of the block that takes part. {@code origin} says where an inherited value comes from.
     */
    private boolean delaysInOrder(RetryBlock block, RetryFields merged, Function<String, String> origin) {
        Duration initial = merged.initialDelay().orElseThrow();
        Duration max = merged.maxDelay().orElseThrow();
        if (max.compareTo(initial) >= 0) {
            return true;
        }
        Fields f = block.fields();
        Node at = f.optional("maxDelay").filter(n -> block.values().maxDelay().isPresent())
                .or(() -> f.optional("initialDelay")).orElse(f.node());
        String hint = null;
        if (block.values().maxDelay().isEmpty()) {
            hint = "maxDelay " + Durations.format(max) + " " + origin.apply("maxDelay");
        } else if (block.values().initialDelay().isEmpty()) {
            hint = "initialDelay " + Durations.format(initial) + " " + origin.apply("initialDelay");
        }
        problems.error(DiagnosticCodes.BAD_RETRY, at, f.path(), f.path() + ": maxDelay (" + Durations.format(max)
                + ") is shorter than initialDelay (" + Durations.format(initial) + ")", hint);
        return false;
    }

    // ----------------------------------------------------------------------------------------------------- steps

    private List<Step> steps(Node node, Optional<Declared> declared, Defaults defaults) {
        if (Nodes.isNull(node) || node instanceof SequenceNode seq && seq.getValue().isEmpty()) {
            problems.error(DiagnosticCodes.EMPTY_SAGA, node, "spec.steps",
                    "spec.steps is empty; a saga needs at least one step");
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            problems.wrongType(node, "spec.steps", "a list");
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        Map<String, Node> names = new HashMap<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            step(items.get(i), "spec.steps[" + i + "]", declared, defaults, names).ifPresent(steps::add);
        }
        return steps;
    }

    private Optional<Step> step(Node node, String path, Optional<Declared> declared, Defaults defaults,
                                Map<String, Node> names) {
        Optional<Fields> fields = Fields.of(node, path, STEP_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields s = fields.get();
        Optional<String> name = s.string("name", true)
                .flatMap(n -> Names.check(n, s.optional("name").orElseThrow(), s.child("name"), problems))
                .filter(n -> unique(n, s.optional("name").orElseThrow(), s.child("name"), names));
        boolean unsupported = false;
        if (s.has("parallel")) {
            problems.error(DiagnosticCodes.UNSUPPORTED_STEP, s.keyNode("parallel").orElseThrow(), s.child("parallel"),
                    "parallel groups are not supported yet");
            unsupported = true;
        }
        if (s.has("tcc")) {
            problems.error(DiagnosticCodes.UNSUPPORTED_STEP, s.keyNode("tcc").orElseThrow(), s.child("tcc"),
                    "TCC steps are not supported yet");
            unsupported = true;
        }
        if (unsupported) {
            return Optional.empty();
        }
        // Without a readable participants section every reference would look unknown: say nothing about them.
        Optional<String> participant = s.string("participant", true).filter(p -> declared.isEmpty()
                || known(p, s.optional("participant").orElseThrow(), s.child("participant"), declared.get()));
        Optional<String> action = s.string("action", true).filter(a -> command(a, s, "action"));
        Optional<String> compensation = s.string("compensation", false);
        boolean compensationOk = compensation.map(c -> command(c, s, "compensation")).orElse(!s.has("compensation"));
        Optional<JsonNode> input = s.optional("input").map(n -> inputs.read(n, s.child("input")));
        Optional<RetryBlock> retryBlock = s.optional("retry").flatMap(r -> retryBlock(r, s.child("retry")));
        RetryFields retry = retryBlock.map(b -> b.values().over(defaults.retry())).orElse(defaults.retry());
        retryBlock.ifPresent(b -> checkStepDelays(b, retry, defaults));
        Optional<Node> timeoutNode = s.optional("timeout");
        Optional<Duration> timeout = timeoutNode.isPresent()
                ? duration(timeoutNode.get(), s.child("timeout"), true)
                : Optional.of(defaults.timeout());
        if (problems.hasErrors() || name.isEmpty() || participant.isEmpty() || action.isEmpty() || !compensationOk
                || timeout.isEmpty()) {
            return Optional.empty(); // no model is built once anything is wrong
        }
        Node retryNode = retryBlock.<Node>map(b -> b.fields().node()).orElse(node);
        Optional<RetryPolicy> policy = build(retryNode, path, retry::toPolicy);
        Optional<InputTemplate> template = input.isEmpty() ? Optional.empty()
                : build(s.optional("input").orElseThrow(), s.child("input"), () -> InputTemplate.compile(input.get()));
        if (policy.isEmpty() || input.isPresent() && template.isEmpty()) {
            return Optional.empty();
        }
        return build(node, path, () -> new Step(name.get(), participant.get(), action.get(), compensation, template,
                policy.get(), timeout.get()));
    }

    /** Checked only when the step sets a delay: a conflict inside the defaults is reported once, at the defaults. */
    private void checkStepDelays(RetryBlock block, RetryFields merged, Defaults defaults) {
        boolean setsOne = block.values().initialDelay().isPresent() || block.values().maxDelay().isPresent();
        boolean setsBoth = block.values().initialDelay().isPresent() && block.values().maxDelay().isPresent();
        if (setsBoth || setsOne && defaults.delaysInOrder()) {
            delaysInOrder(block, merged, key -> {
                boolean fromDefaults = key.equals("maxDelay") ? defaults.retrySet().maxDelay().isPresent()
                        : defaults.retrySet().initialDelay().isPresent();
                return fromDefaults ? "comes from spec.defaults.retry" : "is the built-in default";
            });
        }
    }

    /**
     * Step names are kebab-case, and {@code .steps.create-order.output} is valid jq that subtracts {@code order}
     * from {@code .steps.create}: a trap every author of a first flow falls into, so it is an error here.
     */
    private void checkStepReferences() {
        Set<String> hyphenated = new HashSet<>();
        stepNames.stream().filter(n -> n.contains("-")).forEach(hyphenated::add);
        for (InputReader.Expression e : inputs.expressions()) {
            Matcher m = DOTTED_STEP.matcher(e.text());
            while (m.find()) {
                String step = m.group(1);
                if (hyphenated.contains(step)) {
                    problems.error(DiagnosticCodes.BAD_EXPRESSION, e.node(), e.path(), "bad jq expression "
                            + Nodes.quote(e.text()) + ": jq reads .steps." + step + " as .steps."
                            + step.replace("-", " - "), "write .steps[\"" + step + "\"]");
                    break;
                }
            }
        }
    }

    private boolean unique(String name, Node at, String path, Map<String, Node> names) {
        Node first = names.putIfAbsent(name, at);
        stepNames.add(name);
        if (first != null) {
            problems.error(DiagnosticCodes.DUPLICATE_STEP, at, path,
                    "duplicate step name " + Nodes.quote(name) + ", first used at line " + Nodes.line(first));
            return false;
        }
        return true;
    }

    private boolean known(String participant, Node at, String path, Declared declared) {
        if (declared.names().contains(participant)) {
            return true;
        }
        String hint = Suggestions.didYouMean(participant, declared.names())
                .orElse(declared.names().isEmpty() ? "spec.participants declares none"
                        : "declared: " + String.join(", ", declared.names()));
        problems.error(DiagnosticCodes.UNKNOWN_PARTICIPANT, at, path,
                "unknown participant " + Nodes.quote(participant), hint);
        return false;
    }

    private boolean command(String command, Fields step, String key) {
        if (COMMAND.matcher(command).matches()) {
            return true;
        }
        problems.error(DiagnosticCodes.BAD_COMMAND, step.optional(key).orElseThrow(), step.child(key), step.child(key)
                + " must be a command name of letters, digits, '.', '_' or '-', found " + Nodes.quote(command),
                "it is sent as POST <url>/<command> and as a Kafka header");
        return false;
    }

    // ----------------------------------------------------------------------------------------------------- shared

    /** A duration such as {@code 2s}; {@code positive} refuses zero (timeouts). */
    private Optional<Duration> duration(Node node, String path, boolean positive) {
        if (!(node instanceof ScalarNode scalar) || Nodes.isNull(node)) {
            problems.wrongType(node, path, "a duration such as 2s");
            return Optional.empty();
        }
        String text = scalar.getValue();
        Optional<Duration> d = Durations.parse(text);
        if (d.isEmpty()) {
            problems.error(DiagnosticCodes.BAD_DURATION, node, path, path + ": " + Nodes.quote(text)
                    + " is not a duration; expected e.g. 150ms, 2s, 5m, 1h",
                    durationHint(text).orElse(null));
            return Optional.empty();
        }
        if (positive && d.get().isZero()) {
            problems.error(DiagnosticCodes.BAD_DURATION, node, path,
                    path + " must be longer than 0, found " + Nodes.quote(text));
            return Optional.empty();
        }
        return d;
    }

    private static final Pattern LOOSE_DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*([a-zA-Z]+)");
    private static final Map<String, Duration> UNITS = units();

    /** {@code 1.5s}, {@code 30 sec}, {@code 1d}: what the author meant, in a spelling the format accepts. */
    private static Optional<String> durationHint(String text) {
        String t = text.trim();
        if (t.matches("\\d{1,9}")) {
            return Optional.of("add a unit, e.g. '" + t + "s'");
        }
        Matcher m = LOOSE_DURATION.matcher(t);
        if (!m.matches() || !UNITS.containsKey(m.group(2).toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        BigDecimal millis = new BigDecimal(m.group(1))
                .multiply(BigDecimal.valueOf(UNITS.get(m.group(2).toLowerCase(Locale.ROOT)).toMillis()));
        if (millis.signum() == 0 || millis.stripTrailingZeros().scale() > 0) {
            return Optional.empty();
        }
        return Optional.of("did you mean '" + Durations.format(Duration.ofMillis(millis.longValueExact())) + "'?");
    }

    private static Map<String, Duration> units() {
        Map<String, Duration> units = new HashMap<>();
        for (String u : List.of("ms", "msec", "msecs", "milli", "millis", "millisecond", "milliseconds")) {
            units.put(u, Duration.ofMillis(1));
        }
        for (String u : List.of("s", "sec", "secs", "second", "seconds")) {
            units.put(u, Duration.ofSeconds(1));
        }
        for (String u : List.of("m", "min", "mins", "minute", "minutes")) {
            units.put(u, Duration.ofMinutes(1));
        }
        for (String u : List.of("h", "hr", "hrs", "hour", "hours")) {
            units.put(u, Duration.ofHours(1));
        }
        for (String u : List.of("d", "day", "days")) {
            units.put(u, Duration.ofDays(1));
        }
        return Map.copyOf(units);
    }

    /** Builds a model record; the readers checked its rules already, so a refusal is reported, never thrown. */
    private <T> Optional<T> build(Node at, String path, Supplier<T> constructor) {
        try {
            return Optional.of(constructor.get());
        } catch (IllegalArgumentException e) {
            problems.error(DiagnosticCodes.INVALID_DOCUMENT, at, path, e.getMessage());
            return Optional.empty();
        }
    }
}
