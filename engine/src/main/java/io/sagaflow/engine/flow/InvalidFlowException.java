package io.sagaflow.engine.flow;

import io.sagaflow.dsl.Diagnostic;
import java.util.List;

/** A document was refused; every problem found is in {@link #diagnostics()}. */
public class InvalidFlowException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public InvalidFlowException(List<Diagnostic> diagnostics) {
        super(diagnostics.size() + " problem(s) in the flow document");
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
