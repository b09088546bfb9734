package io.sagaflow.engine.message;

import java.util.Optional;

/** Everything that can happen to a message from outside; {@link MessageDecider#decide} answers each one. */
public sealed interface MessageInput {

    /** Commit the message (producer, check-back answer or operator). */
    record Commit(Actor by, Optional<String> principal) implements MessageInput {
        /** With no authenticated principal (the check-back, or security off). */
        public Commit(Actor by) {
            this(by, Optional.empty());
        }
    }

    /** Roll the message back. */
    record Rollback(Actor by, Optional<String> principal) implements MessageInput {
        /** With no authenticated principal (the check-back, or security off). */
        public Rollback(Actor by) {
            this(by, Optional.empty());
        }
    }

    /** A check-back came back; {@code detail} explains a NO_ANSWER. */
    record Checked(CheckAnswer answer, Optional<String> detail) implements MessageInput {
    }

    /** The outbox relay saw Kafka acknowledge the message. */
    record Published() implements MessageInput {
    }

    /** A consumer gave up on the message after its delivery retries. */
    record DeliveryFailure(String consumer, String reason, int attempts, String detail) implements MessageInput {
    }

    /** Publish a committed message again (a delivery dead letter was redriven). */
    record Republish(String reason) implements MessageInput {
    }
}
