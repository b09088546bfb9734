package io.sagaflow.dsl.model;

import java.util.Locale;

/** What a command does for its step; sent as header {@code sagaflow-kind} (SPEC §5). */
public enum CommandKind {
    ACTION, COMPENSATION;

    /** The wire spelling: {@code action}, {@code compensation}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CommandKind fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
