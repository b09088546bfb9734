package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;
import io.sagaflow.engine.security.Caller;

/** A starter (a participant or producer) starts work only of the flows its token or user names. */
final class Starters {

    private Starters() {
    }

    static void requireMayStart(Caller caller, String flow) {
        if (!caller.mayStart(flow)) {
            throw new DomainFailure.Invalid("flow-not-allowed", "Forbidden", caller.name() + " may not start flow '" + flow
                    + "'; its flows: " + (caller.flows().isEmpty() ? "none" : String.join(", ", caller.flows().stream().sorted().toList())),
                    java.util.Map.of());
        }
    }
}
