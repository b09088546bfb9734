package io.sagaflow.engine.saga;

import io.sagaflow.dsl.model.HttpParticipant;
import io.sagaflow.dsl.model.Protection;
import io.sagaflow.wire.HttpProtection;
import java.util.Optional;

/** A flow's {@link Protection} of an HTTP participant, as the header its commands carry to the HTTP connector. */
final class ParticipantProtection {

    private ParticipantProtection() {
    }

    /**
     * The header value for {@code participant} of flow {@code flow}, empty when it declares no protection. The
     * connector keeps one circuit per {@code <flow>/<participant>}: every version of a flow shares it.
     */
    static Optional<String> header(String flow, HttpParticipant participant) {
        Protection p = participant.protection();
        if (p.none()) {
            return Optional.empty();
        }
        HttpProtection wire = new HttpProtection(flow + "/" + participant.name(),
                p.circuitBreaker().map(c -> new HttpProtection.Circuit(c.failureRatio(), c.requestVolume(),
                        c.delay().toMillis(), c.successThreshold())),
                p.bulkhead(),
                p.rateLimit().map(r -> new HttpProtection.Rate(r.permits(), r.per().toMillis())));
        return Optional.of(wire.encode());
    }
}
