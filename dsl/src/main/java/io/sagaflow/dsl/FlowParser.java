package io.sagaflow.dsl;

import io.sagaflow.dsl.internal.DocumentReader;
import java.util.List;
import java.util.Optional;

/**
 * Parses and validates one flow document (SPEC §3). A document is either turned into its model or refused whole
 * with every problem found, each a {@link Diagnostic} pointing at the offending line and column.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class FlowParser {

    /** The default limit on a document's size: 1 MiB of UTF-8. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    private final int maxBytes;

    /** A parser with the {@linkplain #DEFAULT_MAX_BYTES default size limit}. */
    public FlowParser() {
        this(DEFAULT_MAX_BYTES);
    }

    /**
     * A parser refusing documents over {@code maxBytes} bytes of UTF-8.
     *
     * @throws IllegalArgumentException when {@code maxBytes} is not positive
     */
    public FlowParser(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The size limit in bytes. */
    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Parses one YAML document. Never throws: {@code null}, empty text, garbage, oversized or hostile input all
     * give diagnostics. The result holds a model only when there is no error; its diagnostics are sorted by
     * position.
     */
    public ParseResult parse(String yamlText) {
        try {
            return DocumentReader.parse(yamlText, maxBytes);
        } catch (RuntimeException | StackOverflowError e) {
            // The readers are meant to turn every problem into a diagnostic; if one slips through, the caller
            // still gets data rather than an exception in the middle of a deployment.
            return new ParseResult(Optional.empty(), List.of(Diagnostic.error(DiagnosticCodes.INTERNAL_ERROR, "", 1, 1,
                    "the document could not be checked because of an internal error: " + e)));
        }
    }
}
