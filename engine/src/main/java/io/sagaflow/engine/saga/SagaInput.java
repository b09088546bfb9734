package io.sagaflow.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.ReplyOutcome;
import java.time.Instant;
import java.util.UUID;

/** Something that may change a saga. Time comes in as data ({@code now}), never from a clock. */
public sealed interface SagaInput {

    Instant now();

    /** A start request, already checked for its Idempotency-Key. */
    record Start(UUID sagaId, JsonNode input, Instant now) implements SagaInput {
    }

    /**
     * A participant's reply to the command {@code messageId}; {@code retryAfter}: for a {@link ReplyOutcome#DEFERRED}
     * reply, when to send the command again (zero otherwise).
     */
    record Reply(UUID messageId, String step, CommandKind kind, ReplyOutcome outcome, JsonNode body,
                 java.time.Duration retryAfter, Instant now) implements SagaInput {
        public Reply {
            java.util.Objects.requireNonNull(retryAfter, "retryAfter");
        }

        /** A reply that is not deferred. */
        public Reply(UUID messageId, String step, CommandKind kind, ReplyOutcome outcome, JsonNode body, Instant now) {
            this(messageId, step, kind, outcome, body, java.time.Duration.ZERO, now);
        }
    }

    /** A durable timer came due. */
    record TimerFired(TimerKey timer, Instant now) implements SagaInput {
    }

    /** Operator: compensate a running saga now. {@code by}: who asked (the audit), null when not known. */
    record Abort(String reason, String by, Instant now) implements SagaInput {
        public Abort(String reason, Instant now) {
            this(reason, null, now);
        }
    }

    /** Operator: run the failed compensations, cancels or confirms of a FAILED saga again. */
    record Retry(String reason, String by, Instant now) implements SagaInput {
        public Retry(String reason, Instant now) {
            this(reason, null, now);
        }
    }

    /** Operator: give up on the failed compensation, cancel or confirm of one step and go on. */
    record Skip(String step, String reason, String by, Instant now) implements SagaInput {
        public Skip(String step, String reason, Instant now) {
            this(step, reason, null, now);
        }
    }
}
