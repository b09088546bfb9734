package io.sagaflow.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The protection of one HTTP participant as the engine hands it to its HTTP connector in header
 * {@link KafkaHeader#HTTP_PROTECTION}: {@code name=<flow>/<participant>;circuit=<failureRatio>,<requestVolume>,
 * <delayMs>,<successThreshold>;bulkhead=<n>;rate=<permits>,<perMs>}, each part but {@code name} optional. The
 * connector keeps one circuit, bulkhead and rate limit per {@code name}.
 */
public record HttpProtection(String name, Optional<Circuit> circuit, Optional<Integer> bulkhead,
                             Optional<Rate> rate) {

    public HttpProtection {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains(";") || name.contains("=")) {
            throw new IllegalArgumentException("protection name must be non-blank without ';' or '=', was '" + name + "'");
        }
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(bulkhead, "bulkhead");
        Objects.requireNonNull(rate, "rate");
        bulkhead.ifPresent(b -> positive("bulkhead", b));
    }

    /** Opens at {@code failureRatio} failures among the last {@code requestVolume} calls; half-open after the delay. */
    public record Circuit(double failureRatio, int requestVolume, long delayMs, int successThreshold) {
        public Circuit {
            if (!(failureRatio > 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("failureRatio must be in (0, 1], was " + failureRatio);
            }
            positive("requestVolume", requestVolume);
            positive("delayMs", delayMs);
            positive("successThreshold", successThreshold);
        }
    }

    /** At most {@code permits} calls per {@code perMs} milliseconds. */
    public record Rate(int permits, long perMs) {
        public Rate {
            positive("permits", permits);
            positive("perMs", perMs);
        }
    }

    /** The header's value. */
    public String encode() {
        List<String> parts = new ArrayList<>();
        parts.add("name=" + name);
        circuit.ifPresent(c -> parts.add("circuit=" + c.failureRatio() + "," + c.requestVolume() + "," + c.delayMs()
                + "," + c.successThreshold()));
        bulkhead.ifPresent(b -> parts.add("bulkhead=" + b));
        rate.ifPresent(r -> parts.add("rate=" + r.permits() + "," + r.perMs()));
        return String.join(";", parts);
    }

    /**
     * Reads a header's value.
     *
     * @throws IllegalArgumentException saying which part is malformed
     */
    public static HttpProtection parse(String header) {
        String name = null;
        Optional<Circuit> circuit = Optional.empty();
        Optional<Integer> bulkhead = Optional.empty();
        Optional<Rate> rate = Optional.empty();
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("protection part '" + part + "' is not key=value");
            }
            String key = part.substring(0, eq).trim();
            String[] v = part.substring(eq + 1).trim().split(",");
            try {
                switch (key) {
                    case "name" -> name = part.substring(eq + 1).trim();
                    case "circuit" -> circuit = Optional.of(new Circuit(Double.parseDouble(v[0]), Integer.parseInt(v[1]),
                            Long.parseLong(v[2]), Integer.parseInt(v[3])));
                    case "bulkhead" -> bulkhead = Optional.of(Integer.parseInt(v[0]));
                    case "rate" -> rate = Optional.of(new Rate(Integer.parseInt(v[0]), Long.parseLong(v[1])));
                    default -> { }   // a part a newer engine added: ignored, so engines and connectors upgrade apart
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("protection part '" + part + "' is malformed", e);
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("protection '" + header + "' has no name");
        }
        return new HttpProtection(name, circuit, bulkhead, rate);
    }

    private static void positive(String what, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + value);
        }
    }
}
