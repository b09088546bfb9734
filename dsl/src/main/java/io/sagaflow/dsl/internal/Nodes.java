package io.sagaflow.dsl.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reading composed YAML nodes: positions, types as a user would name them, scalar values. */
final class Nodes {

    private static final int MAX_QUOTED = 60;

    private Nodes() {
    }

    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    static int column(Node node) {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }

    static String position(Mark mark) {
        return (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
    }

    /** What a node is, for "found ..." in messages: {@code a mapping}, {@code the integer 5}, {@code null}. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.NULL)) {
            return scalar.getValue().isEmpty() ? "an empty value" : "null";
        }
        if (tag.equals(Tag.INT)) {
            return "the integer " + abbreviate(scalar.getValue());
        }
        if (tag.equals(Tag.FLOAT)) {
            return "the number " + abbreviate(scalar.getValue());
        }
        if (tag.equals(Tag.BOOL)) {
            return "the boolean " + scalar.getValue();
        }
        return "the string " + quote(scalar.getValue());
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    /**
     * A scalar YAML would not resolve to null, a boolean or a number. Explicit and unknown tags count as strings:
     * snakeyaml tags a plain {@code ${ name }} as an environment variable, which we never expand.
     */
    static Optional<String> string(Node node) {
        if (node instanceof ScalarNode scalar) {
            Tag tag = scalar.getTag();
            if (!tag.equals(Tag.NULL) && !tag.equals(Tag.BOOL) && !tag.equals(Tag.INT) && !tag.equals(Tag.FLOAT)) {
                return Optional.of(scalar.getValue());
            }
        }
        return Optional.empty();
    }

    /** The value of an integer scalar in any YAML 1.2 core notation ({@code 12}, {@code 0x1F}, {@code 0o17}). */
    static Optional<BigInteger> integer(Node node) {
        if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.INT)) {
            return Optional.empty();
        }
        return parseInteger(scalar.getValue());
    }

    static Optional<BigInteger> parseInteger(String text) {
        String t = text.trim();
        boolean negative = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        try {
            BigInteger value;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                value = new BigInteger(t.substring(2), 16);
            } else if (t.startsWith("0o") || t.startsWith("0O")) {
                value = new BigInteger(t.substring(2), 8);
            } else {
                value = new BigInteger(t);
            }
            return Optional.of(negative ? value.negate() : value);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The value of an integer or finite float scalar. */
    static Optional<BigDecimal> number(Node node) {
        if (!(node instanceof ScalarNode scalar)) {
            return Optional.empty();
        }
        if (scalar.getTag().equals(Tag.INT)) {
            return parseInteger(scalar.getValue()).map(BigDecimal::new);
        }
        if (scalar.getTag().equals(Tag.FLOAT)) {
            try {
                return Optional.of(new BigDecimal(scalar.getValue().trim()));
            } catch (NumberFormatException e) {
                return Optional.empty(); // .inf, .nan
            }
        }
        return Optional.empty();
    }

    static boolean isNumber(Node node) {
        return node instanceof ScalarNode scalar
                && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT));
    }

    /** {@code 'text'}, shortened and with control characters escaped so a message stays on one line. */
    static String quote(String text) {
        return "'" + abbreviate(text) + "'";
    }

    static String abbreviate(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(MAX_QUOTED + 1L).forEach(cp -> {
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(cp)) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return text.codePointCount(0, text.length()) > MAX_QUOTED
                ? out.substring(0, out.offsetByCodePoints(0, MAX_QUOTED - 3)) + "..."
                : out.toString();
    }
}
