package io.sagaflow.engine.flow;

import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.engine.internal.DomainFailure;
import java.util.List;
import java.util.Map;

/**
 * A document was refused whole; every problem found is in {@link #diagnostics()} (SPEC §3.5), each with line,
 * column, path, message and hint.
 */
public final class InvalidFlowException extends DomainFailure.Invalid {
    private final List<Diagnostic> diagnostics;

    public InvalidFlowException(List<Diagnostic> diagnostics) {
        super("invalid-flow", "Invalid flow document", diagnostics.size() + " problem(s) in the flow document", Map.of());
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
