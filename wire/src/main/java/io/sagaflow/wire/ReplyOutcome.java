package io.sagaflow.wire;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a participant's reply says about one command (SPEC §5): header {@link KafkaHeader#OUTCOME}, spelled as the
 * constant's name. Over HTTP the status says it instead (2xx, 409/422, anything else).
 */
public enum ReplyOutcome {
    /** Done; the reply body is the step output. */
    SUCCESS,
    /** Business failure, final: retrying cannot help. The body is {@code {code, message}}. */
    FAILURE,
    /** Not decided (a transient problem): the engine tries again by the step's retry policy. */
    RETRY,
    /**
     * Not sent: the engine's HTTP connector held the command back (the participant's circuit is open, its rate limit
     * or bulkhead is full). Not an attempt: the engine sends the same attempt again after
     * {@link KafkaHeader#RETRY_AFTER_MS}. Participants never send it.
     */
    DEFERRED;

    /** The spelling on the wire: the constant's name. */
    public String wire() {
        return name();
    }

    /** The outcome spelled {@code wire} (exactly, upper case), if it is one. */
    public static Optional<ReplyOutcome> fromWire(String wire) {
        return Arrays.stream(values()).filter(o -> o.name().equals(wire)).findFirst();
    }

    /**
     * The outcome spelled {@code wire}.
     *
     * @throws IllegalArgumentException naming the allowed spellings, when it is none
     */
    public static ReplyOutcome parse(String wire) {
        return fromWire(wire).orElseThrow(() -> new IllegalArgumentException(
                "reply outcome must be one of SUCCESS, FAILURE, RETRY, DEFERRED, was " + (wire == null ? "null" : "'" + wire + "'")));
    }
}
