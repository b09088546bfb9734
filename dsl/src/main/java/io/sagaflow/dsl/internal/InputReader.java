package io.sagaflow.dsl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.InputTemplate;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A step's {@code input}: any YAML value, converted to JSON, whose {@code ${ jq }} strings must compile. Each bad
 * expression is reported at its own string, not at the input as a whole.
 */
final class InputReader {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Problems problems;
    private final List<Expression> expressions = new ArrayList<>();

    /** A {@code ${ jq }} string that compiled, kept for checks that need the whole saga (step names). */
    record Expression(Node node, String path, String text) {
    }

    InputReader(Problems problems) {
        this.problems = problems;
    }

    /** The expressions that compiled, in document order. */
    List<Expression> expressions() {
        return expressions;
    }

    JsonNode read(Node node, String path) {
        if (node instanceof MappingNode mapping) {
            return object(mapping, path);
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode out = JSON.arrayNode();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                out.add(read(items.get(i), path + "[" + i + "]"));
            }
            return out;
        }
        return scalar((ScalarNode) node, path);
    }

    private ObjectNode object(MappingNode mapping, String path) {
        ObjectNode out = JSON.objectNode();
        Map<String, Node> firstKeys = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar)) {
                problems.error(DiagnosticCodes.WRONG_TYPE, keyNode, path,
                        "keys in " + path + " must be strings, found " + Nodes.describe(keyNode));
                continue;
            }
            String key = scalar.getValue();
            Node first = firstKeys.putIfAbsent(key, keyNode);
            if (first != null) {
                problems.error(DiagnosticCodes.DUPLICATE_KEY, keyNode, path + "." + key, "duplicate key "
                        + Nodes.quote(key) + " in " + path + ", first at line " + Nodes.line(first));
                continue;
            }
            out.set(key, read(tuple.getValueNode(), path + "." + key));
        }
        return out;
    }

    private JsonNode scalar(ScalarNode node, String path) {
        Tag tag = node.getTag();
        String value = node.getValue();
        if (tag.equals(Tag.NULL)) {
            return JSON.nullNode();
        }
        if (tag.equals(Tag.BOOL)) {
            return JSON.booleanNode(Boolean.parseBoolean(value));
        }
        if (tag.equals(Tag.INT)) {
            Optional<BigInteger> n = Nodes.parseInteger(value);
            if (n.isPresent()) {
                BigInteger v = n.get();
                return v.bitLength() < 32 ? JSON.numberNode(v.intValue())
                        : v.bitLength() < 64 ? JSON.numberNode(v.longValue()) : JSON.numberNode(v);
            }
        }
        if (tag.equals(Tag.FLOAT)) {
            Optional<java.math.BigDecimal> n = Nodes.number(node);
            if (n.isEmpty()) {
                problems.error(DiagnosticCodes.WRONG_TYPE, node, path, path + " must be a JSON value, found "
                        + Nodes.describe(node) + ", which JSON cannot represent");
                return JSON.nullNode();
            }
            return JSON.numberNode(Double.parseDouble(value.trim()));
        }
        checkExpression(node, value, path);
        return JSON.textNode(value);
    }

    private void checkExpression(Node node, String text, String path) {
        Matcher m = InputTemplate.EXPRESSION.matcher(text);
        if (m.matches()) {
            String expression = m.group(1).trim();
            Optional<String> error = expression.isEmpty() ? Optional.of("the expression is empty")
                    : InputTemplate.check(expression);
            if (error.isPresent()) {
                problems.error(DiagnosticCodes.BAD_EXPRESSION, node, path,
                        "bad jq expression " + Nodes.quote(expression) + ": " + error.get());
            } else {
                expressions.add(new Expression(node, path, expression));
            }
        } else if (text.startsWith("${")) {
            problems.error(DiagnosticCodes.BAD_EXPRESSION, node, path, "bad jq expression " + Nodes.quote(text)
                    + ": it starts with ${ but does not end with }");
        } else if (text.contains("${")) {
            problems.warning(DiagnosticCodes.NOT_AN_EXPRESSION, node, path, path + " is sent as written: only a "
                    + "string that is one whole ${ ... } is evaluated",
                    "to build a string use one expression, e.g. '${ \"order-\" + .input.id }'");
        }
    }
}
