package io.sagaflow.dsl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.InputTemplate;
import io.sagaflow.dsl.model.KafkaParticipant;
import io.sagaflow.dsl.model.Participant;
import io.sagaflow.dsl.model.Protection;
import io.sagaflow.dsl.model.Protection.CircuitBreaker;
import io.sagaflow.dsl.model.RateLimit;
import io.sagaflow.dsl.model.RetryPolicy;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.dsl.model.Stage;
import io.sagaflow.dsl.model.Step;
import io.sagaflow.dsl.model.StepCommands;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The {@code spec} of a {@code kind: Saga} document (SPEC §3.1). An item of {@code spec.steps} is a step (an action
 * with an optional compensation, or a TCC step) or a parallel group of such steps.
 */
final class SagaReader {

    static final List<String> SPEC_KEYS = List.of("participants", "defaults", "steps");
    static final List<String> PARTICIPANT_KEYS = List.of("http", "kafka");
    static final List<String> HTTP_KEYS = List.of("url", "urls", "timeout", "circuitBreaker", "bulkhead", "rateLimit");
    static final List<String> CIRCUIT_BREAKER_KEYS =
            List.of("failureRatio", "requestVolume", "delay", "successThreshold");
    static final List<String> KAFKA_KEYS = List.of("topic");
    static final List<String> DEFAULTS_KEYS = List.of("retry", "timeout");
    /** One list for steps and groups: which keys belong to which form is said by a dedicated diagnostic. */
    static final List<String> STEP_KEYS =
            List.of("name", "participant", "action", "compensation", "tcc", "input", "retry", "timeout", "parallel");
    static final List<String> TCC_KEYS = List.of("try", "confirm", "cancel");
    /** The keys of a step that a parallel group does not have: they belong to each of its branches. */
    private static final List<String> STEP_ONLY_KEYS =
            List.of("participant", "action", "compensation", "tcc", "input", "retry", "timeout");

    /** SPEC §3.1: a step's timeout when neither the step nor the defaults set one. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** A command becomes a URL path segment and a Kafka header value, so it is kept to a safe alphabet. */
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9._-]+");

    /** {@code .steps.create-order}: jq reads the hyphen as a minus. */
    private static final Pattern DOTTED_STEP = Pattern.compile("\\.steps\\s*\\.\\s*([a-z0-9][a-z0-9-]*[a-z0-9])");

    private final Problems problems;
    private final Values values;
    private final RetryReader retries;
    private final InputReader inputs;
    /** Step and group names share one namespace: the first node of each name, to point at on a duplicate. */
    private final Map<String, Node> names = new HashMap<>();
    /** Names of steps (not groups), for the checks of expressions that refer to them. */
    private final Set<String> stepNames = new LinkedHashSet<>();

    SagaReader(Problems problems) {
        this.problems = problems;
        this.values = new Values(problems);
        this.retries = new RetryReader(values);
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

    /** What every step reader needs from the spec around it. */
    private record Context(Optional<Declared> declared, Defaults defaults) {
    }

    Optional<SagaFlow> read(Node specNode, Optional<FlowId> id) {
        Optional<Fields> spec = Fields.of(specNode, "spec", SPEC_KEYS, problems);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Optional<Declared> declared = spec.get().required("participants").flatMap(this::participants);
        Defaults defaults = spec.get().optional("defaults").map(this::defaults).orElse(Defaults.BUILT_IN);
        Context context = new Context(declared, defaults);
        List<Stage> stages = spec.get().required("steps").map(n -> stages(n, context)).orElse(List.of());
        checkStepReferences();
        if (problems.hasErrors() || id.isEmpty() || declared.isEmpty()) {
            return Optional.empty();
        }
        return values.build(specNode, "spec", () -> new SagaFlow(id.get(), declared.get().models(), stages));
    }

    // ---------------------------------------------------------------------------------------------- participants

    private Optional<Declared> participants(Node node) {
        Optional<Fields> all = Fields.of(node, "spec.participants", null, problems);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Set<String> declared = new LinkedHashSet<>();
        Map<String, Participant> models = new LinkedHashMap<>();
        for (NodeTuple entry : all.get().entries()) {
            String name = ((ScalarNode) entry.getKeyNode()).getValue();
            declared.add(name);
            participant(name, entry.getValueNode(), all.get().child(name)).ifPresent(p -> models.put(name, p));
        }
        return Optional.of(new Declared(declared, models));
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
        // optional() also finds a misspelt key ("htpp"), reported already, so what is under it is checked too
        Optional<Node> http = p.optional("http");
        Optional<Node> kafka = p.optional("kafka");
        if (http.isPresent() && (kafka.isEmpty() || p.has("http"))) {
            return http(name, http.get(), p.child("http"));
        }
        if (kafka.isPresent()) {
            return kafka(name, kafka.get(), p.child("kafka"));
        }
        problems.error(DiagnosticCodes.BAD_PARTICIPANT, node, path, "participant " + Nodes.quote(name)
                + " must have exactly one of http or kafka, found neither",
                "e.g. { http: { url: http://host:8080/" + name + " } } or { kafka: { topic: " + name
                        + ".commands } }");
        return Optional.empty();
    }

    private Optional<Participant> http(String name, Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, HTTP_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields h = fields.get();
        Optional<List<URI>> urls = instanceUrls(h, node, path);
        Optional<Optional<Duration>> timeout = h.readIfPresent("timeout", (t, at) -> values.duration(t, at, true));
        Optional<Protection> protection = protection(h);
        if (urls.isEmpty() || timeout.isEmpty() || protection.isEmpty()) {
            return Optional.empty();
        }
        return values.build(node, path, () -> new HttpParticipant(name, urls.get(), timeout.get(), protection.get()));
    }

    /** {@code circuitBreaker}, {@code bulkhead} and {@code rateLimit} of an http participant, each optional. */
    private Optional<Protection> protection(Fields http) {
        Optional<Optional<CircuitBreaker>> breaker = http.readIfPresent("circuitBreaker", this::circuitBreaker);
        Optional<Optional<Integer>> bulkhead = http.readIfPresent("bulkhead", (n, at) -> values.positiveInt(n, at,
                DiagnosticCodes.BAD_VALUE, "leave bulkhead out for no limit on calls at once"));
        Optional<Optional<RateLimit>> rateLimit = http.readIfPresent("rateLimit", values::rateLimit);
        if (breaker.isEmpty() || bulkhead.isEmpty() || rateLimit.isEmpty()) {
            return Optional.empty();
        }
        return values.build(http.node(), http.path(),
                () -> new Protection(breaker.get(), bulkhead.get(), rateLimit.get()));
    }

    /** Every key is optional: {@code circuitBreaker: {}} is a breaker with the defaults of {@link CircuitBreaker}. */
    private Optional<CircuitBreaker> circuitBreaker(Node node, String path) {
        if (Nodes.isNull(node)) {
            problems.error(DiagnosticCodes.WRONG_TYPE, node, path, path + " must be a mapping, found "
                    + Nodes.describe(node), "circuitBreaker: {} for a breaker with the default settings");
            return Optional.empty();
        }
        Optional<Fields> fields = Fields.of(node, path, CIRCUIT_BREAKER_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields c = fields.get();
        Optional<Double> failureRatio = c.optional("failureRatio")
                .map(n -> values.fraction(n, c.child("failureRatio"), true, DiagnosticCodes.BAD_VALUE,
                        "0.5 opens the circuit when half of the last requestVolume calls failed"))
                .orElse(Optional.of(CircuitBreaker.DEFAULT_FAILURE_RATIO));
        Optional<Integer> requestVolume = c.optional("requestVolume")
                .map(n -> values.positiveInt(n, c.child("requestVolume"), DiagnosticCodes.BAD_VALUE,
                        "the number of recent calls the failure ratio is measured over"))
                .orElse(Optional.of(CircuitBreaker.DEFAULT_REQUEST_VOLUME));
        Optional<Duration> delay = values.duration(c, "delay", true, CircuitBreaker.DEFAULT_DELAY);
        Optional<Integer> successThreshold = c.optional("successThreshold")
                .map(n -> values.positiveInt(n, c.child("successThreshold"), DiagnosticCodes.BAD_VALUE,
                        "the trial calls that must succeed to close the circuit; 1 closes it on the first success"))
                .orElse(Optional.of(CircuitBreaker.DEFAULT_SUCCESS_THRESHOLD));
        if (failureRatio.isEmpty() || requestVolume.isEmpty() || delay.isEmpty() || successThreshold.isEmpty()) {
            return Optional.empty();
        }
        return values.build(node, path, () -> new CircuitBreaker(failureRatio.get(), requestVolume.get(),
                delay.get(), successThreshold.get()));
    }

    /** {@code url: <one>} or {@code urls: [<one>, ...]} (several instances), exactly one of them. */
    private Optional<List<URI>> instanceUrls(Fields http, Node node, String path) {
        String noQuery = "commands are posted to <url>/<command>";
        if (http.has("url") && http.has("urls")) {
            problems.error(DiagnosticCodes.BAD_PARTICIPANT, node, path, path + " must have one of url or urls, found both",
                    "url: for one instance, urls: [...] for several");
            return Optional.empty();
        }
        Optional<Node> list = http.optional("urls");
        if (list.isEmpty() || http.has("url")) {
            return values.httpUrl(http, noQuery).map(List::of);
        }
        String listPath = http.child("urls");
        if (!(list.get() instanceof SequenceNode sequence)) {
            problems.error(DiagnosticCodes.WRONG_TYPE, list.get(), listPath, listPath + " must be a list of URLs, found "
                    + Nodes.describe(list.get()), "one instance: url: http://host:8080/orders");
            return Optional.empty();
        }
        if (sequence.getValue().isEmpty()) {
            problems.error(DiagnosticCodes.BAD_VALUE, sequence, listPath, listPath + " must list at least one URL", null);
            return Optional.empty();
        }
        List<URI> urls = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = listPath + "[" + i + "]";
            Optional<String> text = Nodes.string(item);
            if (text.isEmpty()) {
                problems.wrongType(item, itemPath, "a string");
                ok = false;
                continue;
            }
            Optional<URI> url = values.httpUrl(text.get(), item, itemPath, noQuery);
            if (url.isPresent() && urls.contains(url.get())) {
                problems.error(DiagnosticCodes.BAD_VALUE, item, itemPath, itemPath + " repeats " + Nodes.quote(text.get()),
                        "each instance once");
                ok = false;
            }
            url.ifPresent(urls::add);
            ok &= url.isPresent();
        }
        return ok ? Optional.of(urls) : Optional.empty();
    }

    private Optional<Participant> kafka(String name, Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, KAFKA_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        return values.topic(fields.get(), "topic")
                .flatMap(topic -> values.build(node, path, () -> new KafkaParticipant(name, topic)));
    }

    // -------------------------------------------------------------------------------------------------- defaults

    private Defaults defaults(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.defaults", DEFAULTS_KEYS, problems);
        if (fields.isEmpty()) {
            return Defaults.BUILT_IN;
        }
        Duration timeout = values.duration(fields.get(), "timeout", true, DEFAULT_TIMEOUT).orElse(DEFAULT_TIMEOUT);
        Optional<RetryReader.RetryBlock> retry =
                fields.get().optional("retry").flatMap(r -> retries.read(r, "spec.defaults.retry"));
        if (retry.isEmpty()) {
            return new Defaults(RetryFields.NONE, Defaults.BUILT_IN.retry(), true, timeout);
        }
        RetryFields merged = retry.get().values().over(Defaults.BUILT_IN.retry());
        boolean inOrder = retries.delaysInOrder(retry.get(), merged, key -> "is the built-in default");
        return new Defaults(retry.get().values(), merged, inOrder, timeout);
    }

    // ---------------------------------------------------------------------------------------- steps and groups

    private List<Stage> stages(Node node, Context context) {
        if (Nodes.isNull(node) || node instanceof SequenceNode seq && seq.getValue().isEmpty()) {
            problems.error(DiagnosticCodes.EMPTY_SAGA, node, "spec.steps",
                    "spec.steps is empty; a saga needs at least one step");
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            problems.wrongType(node, "spec.steps", "a list");
            return List.of();
        }
        List<Stage> stages = new ArrayList<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            stage(items.get(i), "spec.steps[" + i + "]", context).ifPresent(stages::add);
        }
        return stages;
    }

    private Optional<Stage> stage(Node node, String path, Context context) {
        Optional<Fields> fields = Fields.of(node, path, STEP_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields s = fields.get();
        // A misspelt "parallel" still makes a group: reading it as a step would add "missing participant" noise.
        if (s.has("parallel") || s.suggested("parallel")) {
            return group(node, path, s, context);
        }
        return step(node, path, s, context).map(Stage::single);
    }

    private Optional<Stage> group(Node node, String path, Fields g, Context context) {
        Optional<String> name = name(g, false);
        for (String key : STEP_ONLY_KEYS) {
            // has(), not keyNode(): a misspelt key was reported as unknown already
            if (g.has(key)) {
                problems.error(DiagnosticCodes.BAD_PARALLEL, g.keyNode(key).orElseThrow(), g.child(key),
                        "a parallel group has only name and parallel, found " + key,
                        "move " + key + " into each branch of " + g.child("parallel"));
            }
        }
        Optional<Node> parallel = g.optional("parallel");
        if (parallel.isEmpty()) {
            return Optional.empty(); // the misspelt key was reported
        }
        String listPath = g.child("parallel");
        if (!(parallel.get() instanceof SequenceNode sequence)) {
            problems.wrongType(parallel.get(), listPath, "a list of steps");
            return Optional.empty();
        }
        List<Node> items = sequence.getValue();
        if (items.size() < 2) {
            problems.error(DiagnosticCodes.BAD_PARALLEL, parallel.get(), listPath,
                    "a parallel group needs at least 2 branches, " + listPath + " has " + items.size(),
                    items.size() == 1 ? "a single step needs no group: write it directly in spec.steps" : null);
        }
        List<Step> branches = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            branch(items.get(i), listPath + "[" + i + "]", context).ifPresent(branches::add);
        }
        if (problems.hasErrors() || name.isEmpty()) {
            return Optional.empty();
        }
        return values.build(node, path, () -> Stage.parallel(name.get(), branches));
    }

    private Optional<Step> branch(Node node, String path, Context context) {
        Optional<Fields> fields = Fields.of(node, path, STEP_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields b = fields.get();
        if (b.has("parallel")) {
            // Groups of groups would make compensation order depend on nesting the YAML hardly shows.
            problems.error(DiagnosticCodes.BAD_PARALLEL, b.keyNode("parallel").orElseThrow(), b.child("parallel"),
                    "parallel groups cannot be nested",
                    "list its steps as branches of the outer group, or make it a group of its own in spec.steps");
            name(b, false);
            return Optional.empty();
        }
        return step(node, path, b, context);
    }

    private Optional<Step> step(Node node, String path, Fields s, Context context) {
        Optional<String> name = name(s, true);
        // Without a readable participants section every reference would look unknown: say nothing about them.
        Optional<String> participant = s.string("participant", true).filter(p -> context.declared().isEmpty()
                || known(p, s.optional("participant").orElseThrow(), s.child("participant"),
                context.declared().get()));
        Optional<StepCommands> commands = commands(s);
        Optional<JsonNode> input = s.optional("input").map(n -> inputs.read(n, s.child("input")));
        Defaults defaults = context.defaults();
        Optional<RetryReader.RetryBlock> retryBlock = s.optional("retry").flatMap(r -> retries.read(r, s.child("retry")));
        RetryFields retry = retryBlock.map(b -> b.values().over(defaults.retry())).orElse(defaults.retry());
        retryBlock.ifPresent(b -> checkStepDelays(b, retry, defaults));
        Optional<Duration> timeout = values.duration(s, "timeout", true, defaults.timeout());
        if (problems.hasErrors() || name.isEmpty() || participant.isEmpty() || commands.isEmpty()
                || timeout.isEmpty()) {
            return Optional.empty(); // no model is built once anything is wrong
        }
        Node retryNode = retryBlock.<Node>map(b -> b.fields().node()).orElse(node);
        Optional<RetryPolicy> policy = values.build(retryNode, path, retry::toPolicy);
        Optional<InputTemplate> template = input.isEmpty() ? Optional.empty()
                : values.build(s.optional("input").orElseThrow(), s.child("input"),
                () -> InputTemplate.compile(input.get()));
        if (policy.isEmpty() || input.isPresent() && template.isEmpty()) {
            return Optional.empty();
        }
        return values.build(node, path, () -> new Step(name.get(), participant.get(), commands.get(), template,
                policy.get(), timeout.get()));
    }

    /** {@code action} with an optional {@code compensation}, or {@code tcc}: never both. */
    private Optional<StepCommands> commands(Fields s) {
        if (s.has("tcc") || s.suggested("tcc") && !s.has("action")) {
            for (String key : List.of("action", "compensation")) {
                if (s.has(key)) {
                    problems.error(DiagnosticCodes.CONFLICTING_KEYS, s.keyNode(key).orElseThrow(), s.child(key),
                            "a step has either action (and compensation) or tcc, " + s.path() + " has both " + key
                                    + " and tcc",
                            key.equals("action") ? "a TCC step's forward command is tcc.try"
                                    : "a TCC step is undone by tcc.cancel");
                }
            }
            return tcc(s.optional("tcc").orElseThrow(), s.child("tcc"));
        }
        Optional<String> action = s.string("action", true).filter(a -> command(a, s, "action"));
        Optional<String> compensation = s.string("compensation", false);
        boolean compensationOk = compensation.map(c -> command(c, s, "compensation")).orElse(!s.has("compensation"));
        if (action.isEmpty() || !compensationOk) {
            return Optional.empty();
        }
        return Optional.of(new StepCommands.Compensable(action.get(), compensation));
    }

    private Optional<StepCommands> tcc(Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, TCC_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields t = fields.get();
        List<String> missing = TCC_KEYS.stream().filter(k -> !t.has(k) && !t.suggested(k)).toList();
        if (!missing.isEmpty()) {
            problems.error(DiagnosticCodes.TCC_INCOMPLETE, node, path, path + " is missing "
                    + String.join(" and ", missing) + "; a TCC step needs try, confirm and cancel",
                    "e.g. { try: freeze, confirm: capture, cancel: unfreeze }");
        }
        Map<String, String> commands = new HashMap<>();
        for (String key : TCC_KEYS) {
            t.string(key, false).filter(c -> command(c, t, key)).ifPresent(c -> commands.put(key, c));
        }
        if (commands.size() < TCC_KEYS.size()) {
            return Optional.empty();
        }
        return Optional.of(new StepCommands.Tcc(commands.get("try"), commands.get("confirm"), commands.get("cancel")));
    }

    /**
     * The valid, unused name of a step or group. A group's name is in the same namespace as the steps': the API
     * and the event history name either the same way.
     */
    private Optional<String> name(Fields s, boolean isStep) {
        Optional<String> name = s.string("name", true);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Node at = s.optional("name").orElseThrow();
        if (Names.check(name.get(), at, s.child("name"), problems).isEmpty()) {
            return Optional.empty();
        }
        if (isStep) {
            stepNames.add(name.get());
        }
        Node first = names.putIfAbsent(name.get(), at);
        if (first != null) {
            problems.error(DiagnosticCodes.DUPLICATE_STEP, at, s.child("name"),
                    "duplicate step name " + Nodes.quote(name.get()) + ", first used at line " + Nodes.line(first));
            return Optional.empty();
        }
        return name;
    }

    /** Checked only when the step sets a delay: a conflict inside the defaults is reported once, at the defaults. */
    private void checkStepDelays(RetryReader.RetryBlock block, RetryFields merged, Defaults defaults) {
        boolean setsOne = block.values().initialDelay().isPresent() || block.values().maxDelay().isPresent();
        boolean setsBoth = block.values().initialDelay().isPresent() && block.values().maxDelay().isPresent();
        if (setsBoth || setsOne && defaults.delaysInOrder()) {
            retries.delaysInOrder(block, merged, key -> {
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

    private boolean command(String command, Fields fields, String key) {
        if (COMMAND.matcher(command).matches()) {
            return true;
        }
        problems.error(DiagnosticCodes.BAD_COMMAND, fields.optional(key).orElseThrow(), fields.child(key),
                fields.child(key) + " must be a command name of letters, digits, '.', '_' or '-', found "
                        + Nodes.quote(command), "it is sent as POST <url>/<command> and as a Kafka header");
        return false;
    }
}
