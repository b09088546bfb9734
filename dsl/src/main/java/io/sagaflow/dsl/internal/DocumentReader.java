package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.ParseResult;
import io.sagaflow.dsl.model.FlowDocument;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.Kind;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** The entry point behind {@link io.sagaflow.dsl.FlowParser}: limits, YAML, then the envelope (SPEC §3). */
public final class DocumentReader {

    /** The only {@code apiVersion} so far. */
    public static final String API_VERSION = "sagaflow.io/v1";

    static final List<String> ENVELOPE_KEYS = List.of("apiVersion", "kind", "metadata", "spec");
    static final List<String> METADATA_KEYS = List.of("name", "version");

    private static final List<String> KIND_NAMES = Arrays.stream(Kind.values()).map(Kind::yamlName).toList();

    private final Problems problems = new Problems();

    private DocumentReader() {
    }

    /** Parses one document; see {@link io.sagaflow.dsl.FlowParser#parse(String)}. */
    public static ParseResult parse(String text, int maxBytes) {
        if (text == null) {
            return failed(emptyDocument());
        }
        long bytes = utf8Length(text);
        if (bytes > maxBytes) {
            return failed(Diagnostic.error(DiagnosticCodes.TOO_LARGE, "", 1, 1,
                    "the document is " + bytes + " bytes, over the limit of " + maxBytes + " bytes"));
        }
        YamlComposer.Composed composed = YamlComposer.compose(text, maxBytes);
        if (composed.problem().isPresent()) {
            return failed(composed.problem().get());
        }
        if (composed.root().isEmpty() || Nodes.isNull(composed.root().get())) {
            return failed(emptyDocument());
        }
        DocumentReader reader = new DocumentReader();
        Optional<FlowDocument> document = reader.read(composed.root().get());
        return new ParseResult(reader.problems.hasErrors() ? Optional.empty() : document, reader.problems.sorted());
    }

    private Optional<FlowDocument> read(Node root) {
        if (!(root instanceof MappingNode)) {
            problems.error(DiagnosticCodes.WRONG_TYPE, root, "", "a flow document must be a mapping of apiVersion, "
                    + "kind, metadata and spec, found " + Nodes.describe(root));
            return Optional.empty();
        }
        Fields envelope = Fields.of(root, "", ENVELOPE_KEYS, problems).orElseThrow();
        apiVersion(envelope);
        Optional<Kind> kind = kind(envelope);
        Optional<FlowId> id = envelope.required("metadata").flatMap(this::metadata);
        Optional<Node> spec = envelope.required("spec");
        if (spec.isEmpty() || kind.isEmpty()) {
            return Optional.empty(); // a spec is only checked against the kind it is written for
        }
        return switch (kind.get()) {
            case SAGA -> new SagaReader(problems).read(spec.get(), id).map(FlowDocument.class::cast);
            case MESSAGE -> new MessageReader(problems).read(spec.get(), id).map(FlowDocument.class::cast);
            case NOTIFICATION -> new NotificationReader(problems).read(spec.get(), id).map(FlowDocument.class::cast);
            case CACHE_SYNC -> new CacheSyncReader(problems).read(spec.get(), id).map(FlowDocument.class::cast);
        };
    }

    private Optional<Kind> kind(Fields envelope) {
        Optional<String> text = envelope.string("kind", true);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<Kind> kind = Kind.fromYaml(text.get());
        if (kind.isEmpty()) {
            problems.error(DiagnosticCodes.BAD_KIND, envelope.optional("kind").orElseThrow(), "kind",
                    "kind must be one of " + String.join(", ", KIND_NAMES) + ", found " + Nodes.quote(text.get()),
                    Suggestions.didYouMean(text.get(), KIND_NAMES).orElse(null));
        }
        return kind;
    }

    private void apiVersion(Fields envelope) {
        envelope.string("apiVersion", true).filter(v -> !v.equals(API_VERSION)).ifPresent(v ->
                problems.error(DiagnosticCodes.BAD_API_VERSION, envelope.optional("apiVersion").orElseThrow(),
                        "apiVersion", "apiVersion must be '" + API_VERSION + "', found " + Nodes.quote(v),
                        Suggestions.didYouMean(v, List.of(API_VERSION)).orElse(null)));
    }

    private Optional<FlowId> metadata(Node node) {
        Optional<Fields> fields = Fields.of(node, "metadata", METADATA_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields m = fields.get();
        Optional<String> name = m.string("name", true)
                .flatMap(n -> Names.check(n, m.optional("name").orElseThrow(), "metadata.name", problems));
        Optional<Integer> version = m.required("version").flatMap(this::version);
        if (name.isEmpty() || version.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FlowId(name.get(), version.get()));
        } catch (IllegalArgumentException e) {
            problems.error(DiagnosticCodes.INVALID_DOCUMENT, node, "metadata", e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Integer> version(Node node) {
        Optional<BigInteger> n = Nodes.integer(node);
        if (n.isPresent() && n.get().signum() > 0 && n.get().bitLength() < 32) {
            return Optional.of(n.get().intValue());
        }
        String hint = Nodes.string(node).flatMap(Nodes::parseInteger).filter(i -> i.signum() > 0)
                .map(i -> "write the number without quotes").orElse(null);
        problems.error(DiagnosticCodes.BAD_VERSION, node, "metadata.version",
                "metadata.version must be a positive integer, found " + Nodes.describe(node), hint);
        return Optional.empty();
    }

    private static Diagnostic emptyDocument() {
        return Diagnostic.error(DiagnosticCodes.EMPTY_DOCUMENT, "", 1, 1,
                "the document is empty; expected apiVersion, kind, metadata and spec");
    }

    private static ParseResult failed(Diagnostic diagnostic) {
        return new ParseResult(Optional.empty(), List.of(diagnostic));
    }

    /** Bytes of UTF-8, counted without encoding: the limit is checked before any copy of the text is made. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
