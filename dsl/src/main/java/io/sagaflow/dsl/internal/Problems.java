package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.dsl.DiagnosticCodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects the diagnostics of one document; nothing stops at the first. */
final class Problems {

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    void error(String code, Node at, String path, String message) {
        add(Diagnostic.Severity.ERROR, code, at, path, message, null);
    }

    void error(String code, Node at, String path, String message, String hint) {
        add(Diagnostic.Severity.ERROR, code, at, path, message, hint);
    }

    void warning(String code, Node at, String path, String message, String hint) {
        add(Diagnostic.Severity.WARNING, code, at, path, message, hint);
    }

    /** {@code path must be expected, found <what the node is>}. */
    void wrongType(Node at, String path, String expected) {
        error(DiagnosticCodes.WRONG_TYPE, at, path, path + " must be " + expected + ", found " + Nodes.describe(at));
    }

    void add(Diagnostic diagnostic) {
        diagnostics.add(diagnostic);
    }

    boolean hasErrors() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }

    /** In document order, like a compiler; diagnostics at the same position keep the order they were found in. */
    List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(diagnostics);
        out.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
        return out;
    }

    private void add(Diagnostic.Severity severity, String code, Node at, String path, String message, String hint) {
        diagnostics.add(new Diagnostic(severity, code, path, Nodes.line(at), Nodes.column(at), message,
                Optional.ofNullable(hint)));
    }
}
