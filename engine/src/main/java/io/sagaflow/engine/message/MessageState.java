package io.sagaflow.engine.message;

import java.util.List;
import java.util.Objects;

/**
 * What the decider needs to know about a message: its status and how many check-backs it had. It is what the
 * events fold to ({@link #apply}); the {@code message} row is this fold, written in the transaction of the events.
 */
public record MessageState(MessageStatus status, int checks) {

    public MessageState {
        Objects.requireNonNull(status, "status");
        if (checks < 0) {
            throw new IllegalArgumentException("checks must be >= 0, was " + checks);
        }
    }

    /** A message just prepared. */
    public static final MessageState PREPARED = new MessageState(MessageStatus.PREPARED, 0);

    /** The state after {@code event}. Never throws, so any stored history replays. */
    public MessageState apply(MessageEvent event) {
        if (event instanceof MessageEvent.MessagePrepared) {
            return PREPARED;
        }
        if (event instanceof MessageEvent.MessageCommitted) {
            return new MessageState(MessageStatus.COMMITTED, checks);
        }
        if (event instanceof MessageEvent.MessageRolledBack) {
            return new MessageState(MessageStatus.ROLLED_BACK, checks);
        }
        if (event instanceof MessageEvent.CheckBackAnswered answered) {
            return new MessageState(status, Math.max(checks, answered.check()));
        }
        if (event instanceof MessageEvent.MessageUndecided) {
            return new MessageState(MessageStatus.UNDECIDED, checks);
        }
        if (event instanceof MessageEvent.MessageDelivered) {
            return new MessageState(MessageStatus.DELIVERED, checks);
        }
        return this;   // DeliveryFailed, MessageRepublished: history only
    }

    /** Folds a history from the start. */
    public static MessageState replay(List<MessageEvent> events) {
        MessageState state = PREPARED;
        for (MessageEvent e : events) {
            state = state.apply(e);
        }
        return state;
    }
}
