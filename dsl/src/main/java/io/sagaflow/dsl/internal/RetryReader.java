package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.Backoff;
import io.sagaflow.dsl.model.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * A {@code retry} mapping (maxAttempts, backoff, initialDelay, maxDelay, jitter), as written in a saga's defaults
 * and steps and in a message's delivery. What it does not set is inherited, so it is read as {@link RetryFields}.
 */
final class RetryReader {

    static final List<String> KEYS = List.of("maxAttempts", "backoff", "initialDelay", "maxDelay", "jitter");

    /** One {@code retry} mapping as written and the values of its valid keys. */
    record RetryBlock(Fields fields, RetryFields values) {
    }

    private final Problems problems;
    private final Values values;

    RetryReader(Values values) {
        this.values = values;
        this.problems = values.problems();
    }

    Optional<RetryBlock> read(Node node, String path) {
        Optional<Fields> fields = Fields.of(node, path, KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields f = fields.get();
        Optional<Integer> maxAttempts = f.optional("maxAttempts").flatMap(n -> values.positiveInt(n,
                f.child("maxAttempts"), DiagnosticCodes.BAD_RETRY, "1 means a single attempt, no retry"));
        Optional<Backoff> backoff = f.optional("backoff").flatMap(n -> backoff(n, f.child("backoff")));
        Optional<Duration> initialDelay =
                f.optional("initialDelay").flatMap(n -> values.duration(n, f.child("initialDelay"), false));
        Optional<Duration> maxDelay =
                f.optional("maxDelay").flatMap(n -> values.duration(n, f.child("maxDelay"), false));
        Optional<Double> jitter = f.optional("jitter").flatMap(n -> values.fraction(n, f.child("jitter"), false,
                DiagnosticCodes.BAD_RETRY, "0.2 spreads each wait over 80% to 120% of its delay"));
        return Optional.of(new RetryBlock(f, new RetryFields(maxAttempts, backoff, initialDelay, maxDelay, jitter)));
    }

    private Optional<Backoff> backoff(Node node, String path) {
        Optional<String> text = Nodes.string(node);
        if (text.isEmpty()) {
            problems.wrongType(node, path, "fixed or exponential");
            return Optional.empty();
        }
        for (Backoff b : Backoff.values()) {
            if (b.name().toLowerCase(Locale.ROOT).equals(text.get())) {
                return Optional.of(b);
            }
        }
        problems.error(DiagnosticCodes.BAD_RETRY, node, path, path + " must be fixed or exponential, found "
                + Nodes.quote(text.get()),
                Suggestions.didYouMean(text.get(), List.of("fixed", "exponential")).orElse(null));
        return Optional.empty();
    }

    /**
     * Reports a {@code maxDelay} shorter than {@code initialDelay} in the policy that {@code block} contributes to,
     * at the key of the block that takes part. {@code origin} says where an inherited value comes from.
     */
    boolean delaysInOrder(RetryBlock block, RetryFields merged, Function<String, String> origin) {
        Duration initial = merged.initialDelay().orElseThrow();
        Duration max = merged.maxDelay().orElseThrow();
        if (max.compareTo(initial) >= 0) {
            return true;
        }
        Fields f = block.fields();
        Node at = f.optional("maxDelay").filter(n -> block.values().maxDelay().isPresent())
                .or(() -> f.optional("initialDelay")).orElse(f.node());
        String hint = null;
        if (block.values().maxDelay().isEmpty()) {
            hint = "maxDelay " + Durations.format(max) + " " + origin.apply("maxDelay");
        } else if (block.values().initialDelay().isEmpty()) {
            hint = "initialDelay " + Durations.format(initial) + " " + origin.apply("initialDelay");
        }
        problems.error(DiagnosticCodes.BAD_RETRY, at, f.path(), f.path() + ": maxDelay (" + Durations.format(max)
                + ") is shorter than initialDelay (" + Durations.format(initial) + ")", hint);
        return false;
    }
}
