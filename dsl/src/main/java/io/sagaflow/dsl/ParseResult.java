package io.sagaflow.dsl;

import io.sagaflow.dsl.model.FlowDocument;
import java.util.List;
import java.util.Optional;

/** The outcome of parsing one document: a model when there is no error, and every diagnostic found. */
public record ParseResult(Optional<FlowDocument> document, List<Diagnostic> diagnostics) {

    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
        if (document.isPresent() && diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR)) {
            throw new IllegalArgumentException("a document with errors must not produce a model");
        }
    }

    public boolean ok() {
        return document.isPresent();
    }
}
