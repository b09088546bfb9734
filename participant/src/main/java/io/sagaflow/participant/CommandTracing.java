package io.sagaflow.participant;

import io.sagaflow.participant.internal.OpenTelemetryCommandTracing;
import java.util.Optional;

/**
 * How a participant continues the engine's trace (header {@code traceparent}, optional, beside the headers of SPEC
 * §5): a command arrives with the W3C trace context of its step attempt; the handler runs inside a span that is its
 * child, and the reply carries that span's context back, so that the engine's next decision joins the same trace.
 *
 * <p>{@link #detect()} (the default of {@link KafkaParticipantRunner}) uses OpenTelemetry when its API is on the class
 * path ({@code GlobalOpenTelemetry}, e.g. set up by the OpenTelemetry agent or the application's SDK), and otherwise
 * passes the context through unchanged, which keeps the saga's trace whole without a span of its own.
 */
public interface CommandTracing {

    /** Starts tracing one command; the caller closes it once the reply is sent (or not). */
    Attempt start(CommandContext command, Optional<String> traceparent);

    /** The tracing of one command. */
    interface Attempt extends AutoCloseable {

        /** The context the reply carries, if any. */
        Optional<String> traceparent();

        /** Records the outcome of the handler (the reply's {@code sagaflow-outcome}). */
        default void outcome(String outcome) {
        }

        /** Ends the span, if there is one. */
        @Override
        default void close() {
        }
    }

    /** No span: the reply carries the command's context unchanged. */
    static CommandTracing passThrough() {
        return (command, traceparent) -> () -> traceparent;
    }

    /** OpenTelemetry when its API is on the class path, else {@link #passThrough()}. */
    static CommandTracing detect() {
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, CommandTracing.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return passThrough();
        }
        return OpenTelemetryCommandTracing.global();
    }
}
