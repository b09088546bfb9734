package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.MessageFlow;
import io.sagaflow.dsl.model.MessageFlow.CheckBack;
import io.sagaflow.dsl.model.MessageFlow.Delivery;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/** The {@code spec} of a {@code kind: Message} document (SPEC §3.2). */
final class MessageReader {

    static final List<String> SPEC_KEYS = List.of("topic", "checkBack", "delivery");
    static final List<String> CHECK_BACK_KEYS = List.of("http", "after", "every", "maxChecks");
    static final List<String> HTTP_KEYS = List.of("url");
    static final List<String> DELIVERY_KEYS = List.of("retry");

    private final Problems problems;
    private final Values values;
    private final RetryReader retries;

    MessageReader(Problems problems) {
        this.problems = problems;
        this.values = new Values(problems);
        this.retries = new RetryReader(values);
    }

    Optional<MessageFlow> read(Node specNode, Optional<FlowId> id) {
        Optional<Fields> spec = Fields.of(specNode, "spec", SPEC_KEYS, problems);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> topic = values.topic(spec.get(), "topic");
        Optional<CheckBack> checkBack = spec.get().required("checkBack").flatMap(this::checkBack);
        Optional<Delivery> delivery = spec.get().optional("delivery").isPresent()
                ? delivery(spec.get().optional("delivery").get())
                : Optional.of(Delivery.DEFAULT);
        if (problems.hasErrors() || id.isEmpty() || topic.isEmpty() || checkBack.isEmpty() || delivery.isEmpty()) {
            return Optional.empty();
        }
        return values.build(specNode, "spec", () -> new MessageFlow(id.get(), topic.get(), checkBack.get(),
                delivery.get()));
    }

    private Optional<CheckBack> checkBack(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.checkBack", CHECK_BACK_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields c = fields.get();
        Optional<URI> url = c.required("http")
                .flatMap(h -> Fields.of(h, c.child("http"), HTTP_KEYS, problems))
                .flatMap(h -> values.httpUrl(h, "the engine asks GET <url>?messageId=<id>"));
        Optional<Duration> after = values.duration(c, "after", true, CheckBack.DEFAULT_AFTER);
        Optional<Duration> every = values.duration(c, "every", true, CheckBack.DEFAULT_EVERY);
        Optional<Integer> maxChecks = c.optional("maxChecks").isPresent()
                ? values.positiveInt(c.optional("maxChecks").get(), c.child("maxChecks"), DiagnosticCodes.BAD_VALUE,
                "a message is UNDECIDED after maxChecks answers of UNKNOWN, so at least 1 check is needed")
                : Optional.of(CheckBack.DEFAULT_MAX_CHECKS);
        if (url.isEmpty() || after.isEmpty() || every.isEmpty() || maxChecks.isEmpty()) {
            return Optional.empty();
        }
        return values.build(node, c.path(), () -> new CheckBack(url.get(), after.get(), every.get(), maxChecks.get()));
    }

    private Optional<Delivery> delivery(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.delivery", DELIVERY_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<Node> retryNode = fields.get().optional("retry");
        if (retryNode.isEmpty()) {
            return Optional.of(Delivery.DEFAULT);
        }
        Optional<RetryReader.RetryBlock> block = retries.read(retryNode.get(), "spec.delivery.retry");
        if (block.isEmpty()) {
            return Optional.empty();
        }
        // Laid over the delivery defaults, not the saga's: a message outlives outages a saga step would not wait for.
        RetryFields merged = block.get().values().over(RetryFields.of(Delivery.DEFAULT.retry()));
        if (!retries.delaysInOrder(block.get(), merged, key -> "is the default for message delivery")
                || problems.hasErrors()) {
            return Optional.empty();
        }
        return values.build(retryNode.get(), "spec.delivery.retry", () -> new Delivery(merged.toPolicy()));
    }
}
