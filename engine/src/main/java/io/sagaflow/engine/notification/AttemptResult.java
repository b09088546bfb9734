package io.sagaflow.engine.notification;

import java.time.Duration;
import java.util.Objects;

/** What one attempt came to, as the sender saw it. */
public sealed interface AttemptResult {

    /** Time from sending the request to its outcome (zero when nothing was sent). */
    Duration latency();

    /** The target answered with this HTTP status (success or not is for the flow's {@code success} to say). */
    record Answered(int httpStatus, Duration latency) implements AttemptResult {
        public Answered {
            Objects.requireNonNull(latency, "latency");
        }
    }

    /** No answer: connection refused, timeout, missing signing secret, ... */
    record Failed(String error, Duration latency) implements AttemptResult {
        public Failed {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(latency, "latency");
        }
    }
}
