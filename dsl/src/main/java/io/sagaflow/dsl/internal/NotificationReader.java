package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.Durations;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.dsl.model.NotificationFlow.Signing;
import io.sagaflow.dsl.model.NotificationFlow.StatusRange;
import io.sagaflow.dsl.model.NotificationFlow.Success;
import io.sagaflow.dsl.model.RateLimit;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The {@code spec} of a {@code kind: Notification} document (SPEC §3.3). */
final class NotificationReader {

    static final List<String> SPEC_KEYS = List.of("target", "schedule", "signing", "rateLimit", "success");
    static final List<String> TARGET_KEYS = List.of("http");
    static final List<String> HTTP_KEYS = List.of("url");
    static final List<String> SIGNING_KEYS = List.of("hmacSha256");
    static final List<String> HMAC_KEYS = List.of("secretEnv");
    static final List<String> SUCCESS_KEYS = List.of("status");

    private static final List<String> STATUS_CLASSES = List.of("2xx", "3xx", "4xx");
    private static final String STATUS_EXPECTED = "an HTTP status from 200 to 499 (e.g. 200) or a class (2xx, 3xx, 4xx)";

    private final Problems problems;
    private final Values values;

    NotificationReader(Problems problems) {
        this.problems = problems;
        this.values = new Values(problems);
    }

    Optional<NotificationFlow> read(Node specNode, Optional<FlowId> id) {
        Optional<Fields> spec = Fields.of(specNode, "spec", SPEC_KEYS, problems);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Fields s = spec.get();
        Optional<URI> target = s.required("target").flatMap(this::target);
        Optional<List<Duration>> schedule = s.required("schedule").flatMap(n -> schedule(n, s.child("schedule")));
        Optional<Optional<Signing>> signing = s.readIfPresent("signing", (node, path) -> signing(node));
        Optional<Optional<RateLimit>> rateLimit = s.readIfPresent("rateLimit", values::rateLimit);
        Optional<Success> success = s.optional("success").isPresent()
                ? success(s.optional("success").get()) : Optional.of(Success.DEFAULT);
        if (problems.hasErrors() || id.isEmpty() || target.isEmpty() || schedule.isEmpty() || signing.isEmpty()
                || rateLimit.isEmpty() || success.isEmpty()) {
            return Optional.empty();
        }
        return values.build(specNode, "spec", () -> new NotificationFlow(id.get(), target.get(), schedule.get(),
                signing.get(), rateLimit.get(), success.get()));
    }

    private Optional<URI> target(Node node) {
        return Fields.of(node, "spec.target", TARGET_KEYS, problems)
                .flatMap(t -> t.required("http"))
                .flatMap(h -> Fields.of(h, "spec.target.http", HTTP_KEYS, problems))
                // Webhook URLs often carry a token in their query: the URL is used as written.
                .flatMap(h -> values.httpUrl(h, null));
    }

    private Optional<List<Duration>> schedule(Node node, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            String hint = Nodes.string(node).filter(t -> Durations.parse(t).isPresent())
                    .map(t -> "one wait is a list of one: [" + t + "]").orElse(null);
            problems.error(DiagnosticCodes.WRONG_TYPE, node, path, path + " must be a list of waits between attempts, "
                    + "found " + Nodes.describe(node), hint);
            return Optional.empty();
        }
        if (sequence.getValue().isEmpty()) {
            problems.error(DiagnosticCodes.BAD_VALUE, node, path, path + " must list at least one wait between "
                    + "attempts", "e.g. [15s, 1m, 10m, 1h]: 4 waits, 5 attempts");
            return Optional.empty();
        }
        List<Duration> waits = new ArrayList<>();
        List<Node> items = sequence.getValue();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Optional<Duration> wait = values.duration(items.get(i), path + "[" + i + "]", true);
            wait.ifPresent(waits::add);
            ok &= wait.isPresent();
        }
        return ok ? Optional.of(waits) : Optional.empty();
    }

    private Optional<Signing> signing(Node node) {
        return Fields.of(node, "spec.signing", SIGNING_KEYS, problems)
                .flatMap(s -> s.required("hmacSha256"))
                .flatMap(h -> Fields.of(h, "spec.signing.hmacSha256", HMAC_KEYS, problems))
                .flatMap(h -> values.envName(h, "secretEnv", true))
                .map(Signing::new);
    }

    private Optional<Success> success(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.success", SUCCESS_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<Node> status = fields.get().required("status");
        if (status.isEmpty()) {
            return Optional.empty();
        }
        String path = fields.get().child("status");
        List<StatusRange> ranges = new ArrayList<>();
        boolean ok = true;
        if (status.get() instanceof SequenceNode sequence) {
            if (sequence.getValue().isEmpty()) {
                problems.error(DiagnosticCodes.BAD_VALUE, sequence, path, path + " must list at least one status",
                        "e.g. [200, 202]");
                return Optional.empty();
            }
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Optional<StatusRange> range = status(sequence.getValue().get(i), path + "[" + i + "]");
                range.ifPresent(ranges::add);
                ok &= range.isPresent();
            }
        } else {
            Optional<StatusRange> range = status(status.get(), path);
            range.ifPresent(ranges::add);
            ok = range.isPresent();
        }
        return ok ? values.build(node, fields.get().path(), () -> new Success(ranges)) : Optional.empty();
    }

    private Optional<StatusRange> status(Node node, String path) {
        Optional<BigInteger> code = Nodes.integer(node);
        if (code.isPresent()) {
            BigInteger c = code.get();
            if (c.compareTo(BigInteger.valueOf(StatusRange.LOWEST)) >= 0
                    && c.compareTo(BigInteger.valueOf(StatusRange.HIGHEST)) <= 0) {
                return Optional.of(StatusRange.of(c.intValue()));
            }
            String hundreds = c.bitLength() < 16 ? c.intValue() / 100 + "xx" : "";
            problems.error(DiagnosticCodes.BAD_VALUE, node, path, path + " must be " + STATUS_EXPECTED + ", found " + c,
                    classHint(hundreds).orElse(null));
            return Optional.empty();
        }
        Optional<String> text = Nodes.string(node);
        if (text.isEmpty()) {
            problems.wrongType(node, path, STATUS_EXPECTED);
            return Optional.empty();
        }
        String t = text.get();
        if (STATUS_CLASSES.contains(t)) {
            return Optional.of(StatusRange.ofClass(t.charAt(0) - '0'));
        }
        if (Nodes.parseInteger(t).isPresent()) {
            problems.error(DiagnosticCodes.WRONG_TYPE, node, path, path + " must be " + STATUS_EXPECTED + ", found "
                    + Nodes.describe(node), "write the number without quotes");
            return Optional.empty();
        }
        problems.error(DiagnosticCodes.BAD_VALUE, node, path, path + " must be " + STATUS_EXPECTED + ", found "
                + Nodes.quote(t), classHint(t).or(() -> Suggestions.didYouMean(t, STATUS_CLASSES)).orElse(null));
        return Optional.empty();
    }

    /** Why 1xx and 5xx never mean delivered: said instead of a "did you mean '2xx'" one keystroke away. */
    private static Optional<String> classHint(String statusClass) {
        return switch (statusClass.toLowerCase(Locale.ROOT)) {
            case "5xx" -> Optional.of("a 5xx answer means the receiver failed: it is retried, never a success");
            case "1xx" -> Optional.of("a 1xx answer is not a final answer");
            default -> Optional.empty();
        };
    }
}
