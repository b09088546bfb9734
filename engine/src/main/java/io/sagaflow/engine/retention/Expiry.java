package io.sagaflow.engine.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which finished rows are due for removal at a given time: one {@link Cutoff} per flow with its own keep period, and
 * one for every other flow (and for rows of no flow). Pure: time comes in as data.
 *
 * @param keep    the default keep period
 * @param perFlow keep periods of named flows
 */
public record Expiry(Duration keep, Map<String, Duration> perFlow) {

    public Expiry {
        Objects.requireNonNull(keep, "keep");
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("sagaflow.retention.keep must be positive, was " + keep);
        }
        perFlow = new TreeMap<>(Objects.requireNonNull(perFlow, "perFlow"));
        perFlow.forEach((flow, d) -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("sagaflow.retention.flows.\"" + flow + "\" must be positive, was " + d);
            }
        });
    }

    /**
     * Rows finished before {@code before} are due. {@code flow} present: rows of that flow only; empty: rows of no flow
     * or of any flow not in {@code others} (the flows with a cutoff of their own).
     */
    public record Cutoff(Optional<String> flow, Instant before, List<String> others) {
    }

    /** The cutoffs at {@code now}: the named flows first, then everything else. */
    public List<Cutoff> at(Instant now) {
        List<Cutoff> out = new ArrayList<>();
        List<String> named = List.copyOf(perFlow.keySet());
        perFlow.forEach((flow, d) -> out.add(new Cutoff(Optional.of(flow), now.minus(d), named)));
        out.add(new Cutoff(Optional.empty(), now.minus(keep), named));
        return out;
    }
}
