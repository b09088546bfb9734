package io.sagaflow.dsl.model;

import java.util.Locale;

/** What a command does for its step; sent as header {@code sagaflow-kind} (SPEC §5). */
public enum CommandKind {
    ACTION, COMPENSATION, TRY, CONFIRM, CANCEL;

    /** The wire spelling: {@code action}, {@code compensation}, {@code try}, {@code confirm}, {@code cancel}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CommandKind fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** ACTION and TRY move the saga forward; the others settle a step that already ran. */
    public boolean forward() {
        return this == ACTION || this == TRY;
    }
}
