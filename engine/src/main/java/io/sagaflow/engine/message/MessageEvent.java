package io.sagaflow.engine.message;

import java.util.Optional;

/**
 * What happened to a message, in the past tense; appended to {@code message_event} in the transaction of the change.
 * The time of an event is the time of its transaction, stored beside it, never taken in here.
 */
public sealed interface MessageEvent {

    /** The name stored in {@code message_event.type}. */
    default String type() {
        return getClass().getSimpleName();
    }

    /** The producer prepared the message. */
    record MessagePrepared(String key) implements MessageEvent {
    }

    /** Committed and written to the outbox for {@code topic}; {@code principal}: the user or token that asked. */
    record MessageCommitted(Actor by, String topic, Optional<String> principal) implements MessageEvent {
        public MessageCommitted(Actor by, String topic) {
            this(by, topic, Optional.empty());
        }
    }

    /** Rolled back: it will never be published; {@code principal}: the user or token that asked. */
    record MessageRolledBack(Actor by, Optional<String> principal) implements MessageEvent {
        public MessageRolledBack(Actor by) {
            this(by, Optional.empty());
        }
    }

    /**
     * One check-back and its answer.
     *
     * @param check  the number of this check, 1 for the first
     * @param detail why there was no usable answer, when {@code answer} is NO_ANSWER
     */
    record CheckBackAnswered(int check, CheckAnswer answer, Optional<String> detail) implements MessageEvent {
    }

    /** {@code checks} check-backs all answered UNKNOWN (or nothing): the message waits for an operator. */
    record MessageUndecided(int checks) implements MessageEvent {
    }

    /** Kafka acknowledged the message on its topic. */
    record MessageDelivered(String topic) implements MessageEvent {
    }

    /** A consumer reported it could not process the message within its delivery retries. */
    record DeliveryFailed(String consumer, String reason, int attempts, String detail) implements MessageEvent {
    }

    /** Written to the outbox again (a redrive of a delivery dead letter); consumers dedupe on the message id. */
    record MessageRepublished(String topic, String reason) implements MessageEvent {
    }
}
