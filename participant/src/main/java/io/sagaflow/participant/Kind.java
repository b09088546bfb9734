package io.sagaflow.participant;

import java.util.Arrays;
import java.util.Optional;

/** What a command asks of a participant (SPEC §5), with the spelling used on the wire. */
public enum Kind {
    /** The forward operation of a saga step. */
    ACTION("action"),
    /** Undoes an action. */
    COMPENSATION("compensation"),
    /** Reserves resources for a TCC step. */
    TRY("try"),
    /** Makes a try final. */
    CONFIRM("confirm"),
    /** Releases what a try reserved. */
    CANCEL("cancel");

    private final String wire;

    Kind(String wire) {
        this.wire = wire;
    }

    /** The lower-case name on the wire. */
    public String wire() {
        return wire;
    }

    /** The kind named {@code wire}, if it is one. */
    public static Optional<Kind> fromWire(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }

    /**
     * The operation this one undoes: ACTION for COMPENSATION, TRY for CANCEL. The barrier blocks it, so an
     * origin that arrives after its undo (a "hanging" action) can never take effect.
     */
    public Optional<Kind> origin() {
        if (this == COMPENSATION) {
            return Optional.of(ACTION);
        }
        if (this == CANCEL) {
            return Optional.of(TRY);
        }
        return Optional.empty();
    }
}
