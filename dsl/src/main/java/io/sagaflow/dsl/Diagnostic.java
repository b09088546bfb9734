package io.sagaflow.dsl;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One problem found in a flow document. Diagnostics are data: all are collected, none stops the others.
 *
 * @param code   stable identifier, e.g. {@code unknown-participant}
 * @param path   JSON-pointer-like location, e.g. {@code spec.steps[2].participant}
 * @param line   1-based line of the offending node
 * @param column 1-based column of the offending node
 * @param hint   a suggested fix, e.g. "did you mean 'payments'?"
 */
public record Diagnostic(Severity severity, String code, String path, int line, int column, String message,
                         Optional<String> hint) {

    public enum Severity { ERROR, WARNING }

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(hint, "hint");
    }

    public static Diagnostic error(String code, String path, int line, int column, String message) {
        return new Diagnostic(Severity.ERROR, code, path, line, column, message, Optional.empty());
    }

    public Diagnostic withHint(String hint) {
        return new Diagnostic(severity, code, path, line, column, message, Optional.ofNullable(hint));
    }

    /** Compiler-style: {@code order.yaml:14:9: error: unknown participant 'paymnts' (did you mean 'payments'?)}. */
    public String format(String fileName) {
        String text = fileName + ":" + line + ":" + column + ": " + severity.name().toLowerCase(Locale.ROOT) + ": " + message;
        return hint.map(h -> text + " (" + h + ")").orElse(text);
    }
}
