package io.sagaflow.engine.saga;

import io.sagaflow.wire.CommandKind;

/** Names one durable timer of a saga; at most one timer exists per key. */
public record TimerKey(Type type, String step, CommandKind kind, int run, int attempt) {

    public enum Type {
        /** Start attempt {@code attempt} (a retry after a backoff). */
        RETRY,
        /** Attempt {@code attempt} had no reply in time. */
        TIMEOUT,
        /** Send attempt {@code attempt} again: its command was deferred by the HTTP connector, never sent. */
        RESEND
    }
}
