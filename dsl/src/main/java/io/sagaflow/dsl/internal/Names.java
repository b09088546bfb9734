package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.FlowId;
import java.util.Locale;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/** Flow and step names: {@code [a-z0-9-]+}, not starting or ending with '-' ({@link FlowId#NAME}). */
final class Names {

    private Names() {
    }

    /** The name when it is valid; otherwise reports {@code bad-name}, suggesting the nearest valid spelling. */
    static Optional<String> check(String name, Node at, String path, Problems problems) {
        if (FlowId.NAME.matcher(name).matches()) {
            return Optional.of(name);
        }
        problems.error(DiagnosticCodes.BAD_NAME, at, path,
                path + " must be lowercase letters, digits and inner hyphens, found " + Nodes.quote(name),
                slug(name).map(s -> "did you mean '" + s + "'?").orElse(null));
        return Optional.empty();
    }

    /** {@code Order_Checkout} and {@code orderCheckout} become {@code order-checkout}. */
    static Optional<String> slug(String name) {
        String slug = name.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        return slug.isEmpty() || slug.equals(name) ? Optional.empty() : Optional.of(slug);
    }
}
