package io.sagaflow.wire;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a command asks of a participant for its step (SPEC §5), sent as {@link KafkaHeader#KIND} or
 * {@link HttpHeader#KIND} in its lower-case {@link #wire()} spelling.
 */
public enum CommandKind {
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

    private static final String EXPECTED = Arrays.stream(values()).map(CommandKind::wire)
            .collect(Collectors.joining(", "));

    private final String wire;

    CommandKind(String wire) {
        this.wire = wire;
    }

    /** The spelling on the wire: {@code action}, {@code compensation}, {@code try}, {@code confirm}, {@code cancel}. */
    public String wire() {
        return wire;
    }

    /** The kind spelled {@code wire} (exactly, lower case), if it is one. */
    public static Optional<CommandKind> fromWire(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }

    /**
     * The kind spelled {@code wire}.
     *
     * @throws IllegalArgumentException naming the allowed spellings, when it is none
     */
    public static CommandKind parse(String wire) {
        return fromWire(wire).orElseThrow(() -> new IllegalArgumentException(
                "command kind must be one of " + EXPECTED + ", was " + (wire == null ? "null" : "'" + wire + "'")));
    }

    /** ACTION and TRY move the saga forward; the others settle a step that already ran. */
    public boolean forward() {
        return this == ACTION || this == TRY;
    }

    /**
     * The operation this one undoes: ACTION for COMPENSATION, TRY for CANCEL. A participant's barrier blocks it,
     * so an origin that arrives after its undo (a "hanging" action) can never take effect.
     */
    public Optional<CommandKind> origin() {
        if (this == COMPENSATION) {
            return Optional.of(ACTION);
        }
        if (this == CANCEL) {
            return Optional.of(TRY);
        }
        return Optional.empty();
    }
}
