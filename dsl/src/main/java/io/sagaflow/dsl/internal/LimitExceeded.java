package io.sagaflow.dsl.internal;

import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;

/** Thrown out of the composer to stop reading a document that breaks a safety limit. */
final class LimitExceeded extends RuntimeException {

    private final String code;
    private final transient Optional<Mark> mark;

    LimitExceeded(String code, String message, Optional<Mark> mark) {
        super(message, null, false, false);
        this.code = code;
        this.mark = mark;
    }

    String code() {
        return code;
    }

    Optional<Mark> mark() {
        return mark;
    }
}
