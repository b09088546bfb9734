package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.dsl.DiagnosticCodes;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Text to a YAML node graph, with the limits that make parsing untrusted documents safe: size (checked by the
 * caller), nesting depth, aliases, and the size aliases expand to.
 */
final class YamlComposer {

    static final int MAX_DEPTH = 50;
    static final int MAX_COLLECTION_ALIASES = 50;
    /**
     * Fifty aliases are enough for a bomb: 25 levels of two aliases each expand to 2^25 nodes. What aliases add
     * is therefore bounded separately; a real flow reuses a retry policy or two.
     */
    static final long MAX_NODES_ADDED_BY_ALIASES = 100_000;

    /** The root node (empty for a stream with no document) or the one problem that stopped composing. */
    record Composed(Optional<Node> root, Optional<Diagnostic> problem) {
    }

    private YamlComposer() {
    }

    static Composed compose(String text, int maxCodePoints) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel("flow")
                // YAML 1.2 core: yes/no/on/off stay strings, ~ and null are null, 0x1F is an integer.
                .setSchema(new CoreSchema())
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES)
                .setCodePointLimit(maxCodePoints)
                // Only the constructor enforces this; composed mappings keep duplicates and Fields reports them.
                .setAllowDuplicateKeys(false)
                .build();
        GuardedParser parser = new GuardedParser(
                new ParserImpl(settings, new StreamReader(settings, text)), MAX_DEPTH, MAX_COLLECTION_ALIASES);
        try {
            Optional<Node> root = new Composer(settings, parser).getSingleNode();
            if (root.isPresent()) {
                new Expansion(parser.firstAlias()).check(root.get());
            }
            return new Composed(root, Optional.empty());
        } catch (LimitExceeded e) {
            return failed(at(e.code(), e.mark(), e.getMessage(), null));
        } catch (MarkedYamlEngineException e) {
            return failed(syntaxError(e));
        } catch (ReaderException e) {
            int[] position = position(text, e.getPosition());
            return failed(Diagnostic.error(DiagnosticCodes.YAML_SYNTAX, "", position[0], position[1],
                    "invalid YAML: " + oneLine(e.getMessage()) + ", found U+"
                            + String.format("%04X", e.getCodePoint())));
        } catch (YamlEngineException e) {
            return failed(at(DiagnosticCodes.YAML_SYNTAX, Optional.empty(),
                    "invalid YAML: " + oneLine(e.getMessage()), null));
        }
    }

    private static Composed failed(Diagnostic problem) {
        return new Composed(Optional.empty(), Optional.of(problem));
    }

    private static Diagnostic syntaxError(MarkedYamlEngineException e) {
        String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
        if (problem.contains("\\t(TAB)")) {
            problem = "a tab cannot start a token; indent with spaces";
        }
        String hint = null;
        if (e.getContext() != null && !e.getContext().isBlank() && e.getContextMark().isPresent()) {
            hint = e.getContext() + " started at " + Nodes.position(e.getContextMark().get());
        }
        Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
        return at(DiagnosticCodes.YAML_SYNTAX, mark, "invalid YAML: " + oneLine(problem), hint);
    }

    private static Diagnostic at(String code, Optional<Mark> mark, String message, String hint) {
        return Diagnostic.error(code, "", mark.map(m -> m.getLine() + 1).orElse(1),
                mark.map(m -> m.getColumn() + 1).orElse(1), message).withHint(hint);
    }

    private static String oneLine(String text) {
        return text == null ? "unknown error" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** 1-based line and column of a code point offset. */
    private static int[] position(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int i = 0;
        for (int seen = 0; seen < codePointIndex && i < text.length(); seen++) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    /**
     * Walks the node graph once per distinct node (sizes and heights are memoized) to find what the event stream
     * cannot show: an alias inside the collection it names, nesting made deep by aliases, and expansion.
     */
    private static final class Expansion {
        private final Map<Node, long[]> done = new IdentityHashMap<>();
        private final Set<Node> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Optional<Mark> firstAlias;

        Expansion(Optional<Mark> firstAlias) {
            this.firstAlias = firstAlias;
        }

        void check(Node root) {
            long expanded = visit(root, 0)[0];
            if (expanded - done.size() > MAX_NODES_ADDED_BY_ALIASES) {
                throw new LimitExceeded(DiagnosticCodes.TOO_MANY_ALIASES, "aliases expand the document by more than "
                        + MAX_NODES_ADDED_BY_ALIASES + " nodes", firstAlias);
            }
        }

        /** {expanded size, height} of the subtree; {@code depth} counts the collections above the node. */
        private long[] visit(Node node, int depth) {
            long[] known = done.get(node);
            if (known != null) {
                if (depth + known[1] > MAX_DEPTH) {
                    throw tooDeep(node);
                }
                return known;
            }
            if (!onPath.add(node)) {
                throw new LimitExceeded(DiagnosticCodes.RECURSIVE_ALIAS,
                        "an alias refers to a collection that contains it, so the document would be infinite",
                        node.getStartMark());
            }
            if (depth + (node instanceof MappingNode || node instanceof SequenceNode ? 1 : 0) > MAX_DEPTH) {
                throw tooDeep(node);
            }
            long size = 1;
            long height = 0;
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    long[] k = visit(tuple.getKeyNode(), depth + 1);
                    long[] v = visit(tuple.getValueNode(), depth + 1);
                    size = saturatedAdd(size, saturatedAdd(k[0], v[0]));
                    height = Math.max(height, Math.max(k[1], v[1]));
                }
                height++;
            } else if (node instanceof SequenceNode sequence) {
                for (Node child : sequence.getValue()) {
                    long[] c = visit(child, depth + 1);
                    size = saturatedAdd(size, c[0]);
                    height = Math.max(height, c[1]);
                }
                height++;
            }
            onPath.remove(node);
            long[] result = {size, height};
            done.put(node, result);
            return result;
        }

        private static LimitExceeded tooDeep(Node node) {
            return new LimitExceeded(DiagnosticCodes.TOO_DEEP,
                    "the document nests deeper than " + MAX_DEPTH + " levels", node.getStartMark());
        }

        private static long saturatedAdd(long a, long b) {
            long sum = a + b;
            return sum < 0 ? Long.MAX_VALUE : sum;
        }
    }
}
