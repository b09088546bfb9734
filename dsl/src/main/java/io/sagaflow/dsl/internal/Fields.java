package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * One YAML mapping of the format, indexed by key. Building it reports keys that are not strings, duplicate keys
 * and (when the keys are a fixed set) unknown keys, so every level of the document gets the same checks.
 */
final class Fields {

    private final MappingNode node;
    private final String path;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    /**
     * Known keys that an unknown key was suggested to be, with that misspelt entry. Reporting them missing as well
     * would say the same thing twice; and their values are still read as the suggested key's, so that one typo in
     * a key does not hide every mistake below it.
     */
    private final Map<String, NodeTuple> misspelt = new LinkedHashMap<>();

    private Fields(MappingNode node, String path, List<String> known, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        for (NodeTuple tuple : node.getValue()) {
            index(tuple, known);
        }
    }

    /**
     * The mapping at {@code node}, or empty (and a {@code wrong-type} diagnostic) when it is something else.
     *
     * @param known the keys the format defines here, or {@code null} when any key is allowed
     */
    static Optional<Fields> of(Node node, String path, List<String> known, Problems problems) {
        if (node instanceof MappingNode mapping) {
            return Optional.of(new Fields(mapping, path, known, problems));
        }
        problems.wrongType(node, path, "a mapping");
        return Optional.empty();
    }

    private void index(NodeTuple tuple, List<String> known) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode scalar)) {
            problems.error(DiagnosticCodes.WRONG_TYPE, keyNode, path,
                    "keys " + (path.isEmpty() ? "" : "in " + path + " ") + "must be strings, found "
                            + Nodes.describe(keyNode));
            return;
        }
        String key = scalar.getValue();
        NodeTuple first = entries.get(key);
        if (first != null) {
            problems.error(DiagnosticCodes.DUPLICATE_KEY, keyNode, child(key),
                    "duplicate key " + Nodes.quote(key) + (path.isEmpty() ? "" : " in " + path) + ", first at line "
                            + Nodes.line(first.getKeyNode()));
            return;
        }
        entries.put(key, tuple);
        if (known != null && !known.contains(key)) {
            Optional<String> suggestion = Suggestions.closest(key, known);
            suggestion.ifPresent(s -> misspelt.putIfAbsent(s, tuple));
            problems.error(DiagnosticCodes.UNKNOWN_KEY, keyNode, child(key), "unknown key " + Nodes.quote(key)
                    + (path.isEmpty() ? "" : " in " + path), unknownKeyHint(key, suggestion, known));
        }
    }

    private static String unknownKeyHint(String key, Optional<String> suggestion, List<String> known) {
        if (suggestion.isPresent()) {
            return "did you mean '" + suggestion.get() + "'?";
        }
        return "expected one of " + String.join(", ", known);
    }

    String path() {
        return path;
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    MappingNode node() {
        return node;
    }

    /** Whether an unknown key of this mapping was reported as a probable typo of {@code key}. */
    boolean suggested(String key) {
        return !entries.containsKey(key) && misspelt.containsKey(key);
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Every key of the mapping, in document order, first occurrence only. */
    Collection<NodeTuple> entries() {
        return entries.values();
    }

    /** The value of {@code key}, or of the unknown key reported as its misspelling. */
    Optional<Node> optional(String key) {
        return entry(key).map(NodeTuple::getValueNode);
    }

    /**
     * The value of an optional {@code key} as {@code reader} reads it (given the value and its path). Absent is a
     * valid "not set" ({@code Optional.of(Optional.empty())}); present but refused by the reader is empty.
     */
    <T> Optional<Optional<T>> readIfPresent(String key, BiFunction<Node, String, Optional<T>> reader) {
        Optional<Node> value = optional(key);
        return value.isEmpty() ? Optional.of(Optional.empty())
                : reader.apply(value.get(), child(key)).map(Optional::of);
    }

    Optional<Node> keyNode(String key) {
        return entry(key).map(NodeTuple::getKeyNode);
    }

    private Optional<NodeTuple> entry(String key) {
        return Optional.ofNullable(entries.get(key)).or(() -> Optional.ofNullable(misspelt.get(key)));
    }

    /** The value of {@code key}, or empty with a {@code missing-field} diagnostic at the mapping. */
    Optional<Node> required(String key) {
        Optional<Node> value = optional(key);
        if (value.isEmpty()) {
            problems.error(DiagnosticCodes.MISSING_FIELD, node, path,
                    "missing required key " + Nodes.quote(key) + (path.isEmpty() ? "" : " in " + path));
        }
        return value;
    }

    /** The string value of {@code key}; a value of another type is reported. */
    Optional<String> string(String key, boolean required) {
        Optional<Node> value = required ? required(key) : optional(key);
        return value.flatMap(v -> {
            Optional<String> text = Nodes.string(v);
            if (text.isEmpty()) {
                problems.wrongType(v, child(key), "a string");
            }
            return text;
        });
    }
}
