package io.sagaflow.dsl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.internal.javacc.ParseException;
import net.thisptr.jackson.jq.internal.javacc.Token;

/**
 * A step's {@code input}: a JSON value whose strings of the form {@code "${ jq }"} are jq expressions over
 * {@code {input, steps: {<name>: {output}}}}. Expressions are compiled once, when the document is parsed, so a
 * bad expression is a document error and never a runtime surprise.
 */
public final class InputTemplate {

    /** A string that is exactly one expression: {@code ${ .input.orderId }}. */
    public static final Pattern EXPRESSION = Pattern.compile("^\\$\\{(.*)}$", Pattern.DOTALL);

    private static final Scope ROOT_SCOPE = newRootScope();

    private final JsonNode template;
    private final Map<String, JsonQuery> compiled;

    private InputTemplate(JsonNode template, Map<String, JsonQuery> compiled) {
        this.template = template;
        this.compiled = compiled;
    }

    /**
     * Compiles every expression of the template.
     *
     * @throws InvalidExpressionException for the first expression that does not compile
     */
    public static InputTemplate compile(JsonNode template) {
        Objects.requireNonNull(template, "template");
        Map<String, JsonQuery> compiled = new java.util.HashMap<>();
        collect(template, compiled);
        return new InputTemplate(template.deepCopy(), Map.copyOf(compiled));
    }

    /** Checks one expression (the text inside {@code ${ }}); empty when it compiles, else the jq error. */
    public static java.util.Optional<String> check(String expression) {
        try {
            JsonQuery.compile(expression, Versions.JQ_1_6);
            return java.util.Optional.empty();
        } catch (JsonQueryException e) {
            return java.util.Optional.of(reason(e));
        }
    }

    /**
     * The jq parser's complaint, without the list of every token it would have accepted instead. The parse error is
     * an internal class of jackson-jq (pinned in the parent pom); should it change, the first line of the cause's
     * message is still a usable reason.
     */
    private static String reason(JsonQueryException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ParseException p && p.currentToken != null && p.currentToken.next != null) {
            Token next = p.currentToken.next;
            return next.kind == 0 // JavaCC's end-of-input token
                    ? "unexpected end of expression"
                    : "unexpected '" + next.image + "' at column " + next.beginColumn;
        }
        if (cause != null && cause.getMessage() != null && !cause.getMessage().isBlank()) {
            return cause.getMessage().strip().lines().findFirst().orElse("").strip();
        }
        return e.getMessage();
    }

    private static void collect(JsonNode node, Map<String, JsonQuery> out) {
        if (node.isTextual()) {
            Matcher m = EXPRESSION.matcher(node.textValue());
            if (m.matches()) {
                String expr = m.group(1).trim();
                try {
                    out.put(expr, JsonQuery.compile(expr, Versions.JQ_1_6));
                } catch (JsonQueryException e) {
                    throw new InvalidExpressionException(expr, reason(e));
                }
            }
        } else if (node.isContainerNode()) {
            node.elements().forEachRemaining(child -> collect(child, out));
        }
    }

    /** Renders the template against {@code scope}; an expression that yields nothing gives {@code null}. */
    public JsonNode render(JsonNode scope) {
        return render(template, scope);
    }

    private JsonNode render(JsonNode node, JsonNode scope) {
        if (node.isTextual()) {
            Matcher m = EXPRESSION.matcher(node.textValue());
            return m.matches() ? evaluate(m.group(1).trim(), scope) : node;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.set(field.getKey(), render(field.getValue(), scope));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> out.add(render(child, scope)));
            return out;
        }
        return node;
    }

    private JsonNode evaluate(String expr, JsonNode scope) {
        List<JsonNode> results = new ArrayList<>(1);
        try {
            compiled.get(expr).apply(Scope.newChildScope(ROOT_SCOPE), scope, results::add);
        } catch (JsonQueryException e) {
            throw new IllegalStateException("input expression '" + expr + "' failed: " + e.getMessage(), e);
        }
        return results.isEmpty() ? NullNode.getInstance() : results.get(0);
    }

    /** The template as written, expressions unevaluated. */
    public JsonNode template() {
        return template.deepCopy();
    }

    private static Scope newRootScope() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputTemplate other && template.equals(other.template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template.toString();
    }

    /** A jq expression that does not compile. */
    public static final class InvalidExpressionException extends IllegalArgumentException {
        private final String expression;

        public InvalidExpressionException(String expression, String reason) {
            super("bad jq expression '" + expression + "': " + reason);
            this.expression = expression;
        }

        public String expression() {
            return expression;
        }
    }
}
