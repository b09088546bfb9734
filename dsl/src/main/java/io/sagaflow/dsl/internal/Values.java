package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.Durations;
import io.sagaflow.dsl.model.RateLimit;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Readers of the value types every kind shares (durations, URLs, topics, counts, fractions, rate limits, environment
 * variable names), so that a mistake reads the same whichever document it is in.
 */
final class Values {

    static final List<String> RATE_LIMIT_KEYS = List.of("permits", "per");

    /** Kafka's own rule for topic names. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** What a shell accepts as a variable name; secrets are named, never written into a flow. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final Pattern LOOSE_DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*([a-zA-Z]+)");
    private static final Map<String, Duration> UNITS = units();

    private final Problems problems;

    Values(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    // ------------------------------------------------------------------------------------------------- durations

    /** A duration such as {@code 2s}; {@code positive} refuses zero (timeouts, intervals). */
    Optional<Duration> duration(Node node, String path, boolean positive) {
        if (!(node instanceof ScalarNode scalar) || Nodes.isNull(node)) {
            problems.wrongType(node, path, "a duration such as 2s");
            return Optional.empty();
        }
        String text = scalar.getValue();
        Optional<Duration> d = Durations.parse(text);
        if (d.isEmpty()) {
            problems.error(DiagnosticCodes.BAD_DURATION, node, path, path + ": " + Nodes.quote(text)
                    + " is not a duration; expected e.g. 150ms, 2s, 5m, 1h", durationHint(text).orElse(null));
            return Optional.empty();
        }
        if (positive && d.get().isZero()) {
            problems.error(DiagnosticCodes.BAD_DURATION, node, path,
                    path + " must be longer than 0, found " + Nodes.quote(text));
            return Optional.empty();
        }
        return d;
    }

    /** The optional duration at {@code key}, or {@code fallback} when the key is absent; empty when it is bad. */
    Optional<Duration> duration(Fields fields, String key, boolean positive, Duration fallback) {
        Optional<Node> node = fields.optional(key);
        return node.isPresent() ? duration(node.get(), fields.child(key), positive) : Optional.of(fallback);
    }

    /** {@code 1.5s}, {@code 30 sec}, {@code 1d}: what the author meant, in a spelling the format accepts. */
    static Optional<String> durationHint(String text) {
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

    // ------------------------------------------------------------------------------------------------------ URLs

    /** The required {@code url} of an {@code http} mapping; see {@link #httpUrl(String, Node, String, String)}. */
    Optional<URI> httpUrl(Fields http, String noQueryReason) {
        return http.string("url", true)
                .flatMap(text -> httpUrl(text, http.optional("url").orElseThrow(), http.child("url"), noQueryReason));
    }

    /**
     * An absolute http(s) URL with a host.
     *
     * @param noQueryReason when not null, a query or fragment is refused and this says why (the engine appends to
     *                      the URL); when null both are allowed
     */
    Optional<URI> httpUrl(String text, Node node, String path, String noQueryReason) {
        String trimmed = text.trim();
        URI uri = null;
        String reason = null;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            reason = e.getReason().toLowerCase(Locale.ROOT) + " at index " + e.getIndex();
        }
        if (uri != null && isHttpWithHost(uri)) {
            if (noQueryReason == null || uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return Optional.of(uri);
            }
            problems.error(DiagnosticCodes.BAD_URL, node, path, path + " must not have a query or fragment, found "
                    + Nodes.quote(text), noQueryReason);
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

    // -------------------------------------------------------------------------------------------- other scalars

    /** The required Kafka topic at {@code key}. */
    Optional<String> topic(Fields fields, String key) {
        Optional<String> topic = fields.string(key, true);
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        String t = topic.get();
        if (!TOPIC.matcher(t).matches() || t.equals(".") || t.equals("..")) {
            problems.error(DiagnosticCodes.BAD_TOPIC, fields.optional(key).orElseThrow(), fields.child(key),
                    fields.child(key) + " must be 1 to 249 letters, digits, '.', '_' or '-' (not '.' or '..'), found "
                            + Nodes.quote(t));
            return Optional.empty();
        }
        return topic;
    }

    /** An integer from 1 to {@link Integer#MAX_VALUE}; out of range is reported with {@code code}. */
    Optional<Integer> positiveInt(Node node, String path, String code, String hintWhenTooSmall) {
        Optional<BigInteger> n = Nodes.integer(node);
        if (n.isEmpty()) {
            String hint = Nodes.string(node).flatMap(Nodes::parseInteger)
                    .map(i -> "write the number without quotes").orElse(null);
            problems.error(DiagnosticCodes.WRONG_TYPE, node, path,
                    path + " must be an integer, found " + Nodes.describe(node), hint);
            return Optional.empty();
        }
        if (n.get().signum() < 1 || n.get().bitLength() > 31) {
            problems.error(code, node, path, path + " must be between 1 and " + Integer.MAX_VALUE + ", found "
                    + n.get(), n.get().signum() < 1 ? hintWhenTooSmall : null);
            return Optional.empty();
        }
        return Optional.of(n.get().intValue());
    }

    /**
     * A number from 0 to 1. {@code positive} refuses 0 (a ratio that must be reached); otherwise 0 is allowed (a
     * spread). Out of range is reported with {@code code}.
     */
    Optional<Double> fraction(Node node, String path, boolean positive, String code, String hint) {
        String range = positive ? "greater than 0 and at most 1" : "between 0 and 1";
        if (!Nodes.isNumber(node)) {
            problems.wrongType(node, path, "a number " + range);
            return Optional.empty();
        }
        // .inf and .nan have no BigDecimal; a ratio too small for a double would reach the model as 0
        double value = Nodes.number(node).map(BigDecimal::doubleValue).orElse(Double.NaN);
        if (!((positive ? value > 0 : value >= 0) && value <= 1)) {
            problems.error(code, node, path, path + " must be " + range + ", found " + ((ScalarNode) node).getValue(),
                    hint);
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** The name of an environment variable holding a secret, at {@code key}. */
    Optional<String> envName(Fields fields, String key, boolean required) {
        Optional<String> name = fields.string(key, required);
        if (name.isEmpty() || ENV_NAME.matcher(name.get()).matches()) {
            return name;
        }
        // Kebab-case and dotted spellings are names written the wrong way. Anything else may be the secret itself:
        // it is not repeated, since diagnostics end up in CI logs.
        boolean nameLike = name.get().matches("[A-Za-z_][A-Za-z0-9._-]*");
        problems.error(DiagnosticCodes.BAD_ENV_NAME, fields.optional(key).orElseThrow(), fields.child(key),
                fields.child(key) + " must name an environment variable (letters, digits and '_', not starting with "
                        + "a digit), found " + (nameLike ? Nodes.quote(name.get()) : "a value that is not a name"),
                nameLike ? "did you mean '" + name.get().replaceAll("[.-]", "_").toUpperCase(Locale.ROOT) + "'?"
                        : "put the secret into an environment variable and write its name here");
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------------- shapes

    /** {@code { permits: 50, per: 1s }}: a notification target's or an HTTP participant's rate limit. */
    Optional<RateLimit> rateLimit(Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, RATE_LIMIT_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields r = fields.get();
        Optional<Integer> permits = r.required("permits").flatMap(n -> positiveInt(n, r.child("permits"),
                DiagnosticCodes.BAD_VALUE, "to stop sending, undeploy the flow instead"));
        Optional<Duration> per = r.required("per").flatMap(n -> duration(n, r.child("per"), true));
        if (permits.isEmpty() || per.isEmpty()) {
            return Optional.empty();
        }
        return build(node, path, () -> new RateLimit(permits.get(), per.get()));
    }

    /**
     * The one key of {@code choices} a mapping has (or has misspelt). Both present is {@code conflicting-keys} (at the
     * second); none is {@code missing-field}, unless an unknown key was already suggested as one of them.
     *
     * @param example an example for the hint when none is present
     */
    Optional<String> exactlyOne(Fields fields, List<String> choices, String example) {
        List<String> present = choices.stream().filter(fields::has).toList();
        if (present.size() == 1) {
            return Optional.of(present.get(0));
        }
        String alternatives = String.join(" or ", choices);
        String where = fields.path().isEmpty() ? "the document" : fields.path();
        if (present.size() > 1) {
            problems.error(DiagnosticCodes.CONFLICTING_KEYS, fields.keyNode(present.get(1)).orElseThrow(),
                    fields.child(present.get(1)), where + " must have exactly one of " + alternatives + ", found "
                            + String.join(" and ", present));
            return Optional.empty();
        }
        List<String> misspelt = choices.stream().filter(fields::suggested).toList();
        if (misspelt.size() == 1) {
            return Optional.of(misspelt.get(0)); // reported as an unknown key; its value is still worth checking
        }
        if (misspelt.isEmpty()) {
            problems.error(DiagnosticCodes.MISSING_FIELD, fields.node(), fields.path(),
                    where + " must have one of " + alternatives, example);
        }
        return Optional.empty();
    }

    /** Builds a model record; the readers checked its rules already, so a refusal is reported, never thrown. */
    <T> Optional<T> build(Node at, String path, Supplier<T> constructor) {
        try {
            return Optional.of(constructor.get());
        } catch (IllegalArgumentException e) {
            problems.error(DiagnosticCodes.INVALID_DOCUMENT, at, path, e.getMessage());
            return Optional.empty();
        }
    }
}
