package io.sagaflow.connectors.http;

import io.sagaflow.wire.ReplyOutcome;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * What an HTTP participant's answer to a command means (SPEC §5), as the reply's outcome and value: 2xx = SUCCESS
 * with the body as the step output; 409 or 422 = FAILURE (a business refusal, not retried); any other status, or
 * no answer at all (timeout, connection refused), = RETRY. A non-success body that is not JSON is wrapped into
 * {@code {code, message}}, so the saga's history always holds JSON.
 *
 * @param outcome    the reply's {@code sagaflow-outcome}
 * @param body       the reply's value (JSON)
 * @param retryAfter for a {@link ReplyOutcome#DEFERRED} answer: when the engine should send the command again
 */
record HttpAnswer(ReplyOutcome outcome, byte[] body, java.util.Optional<java.time.Duration> retryAfter) {

    /** Checks that all are present. */
    HttpAnswer {
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(body, "body must not be null");
        Objects.requireNonNull(retryAfter, "retryAfter must not be null");
    }

    HttpAnswer(ReplyOutcome outcome, byte[] body) {
        this(outcome, body, java.util.Optional.empty());
    }

    /**
     * Not called: the participant's protection held the command back ({@code code}, e.g. CIRCUIT_OPEN); the engine
     * sends it again after {@code retryAfter}, without spending an attempt.
     */
    static HttpAnswer deferred(String code, String message, java.time.Duration retryAfter) {
        return new HttpAnswer(ReplyOutcome.DEFERRED, problem(code, message), java.util.Optional.of(retryAfter));
    }

    /** The outcome an HTTP status stands for. */
    static ReplyOutcome outcomeOf(int status) {
        if (status / 100 == 2) {
            return ReplyOutcome.SUCCESS;
        }
        return status == 409 || status == 422 ? ReplyOutcome.FAILURE : ReplyOutcome.RETRY;
    }

    /** The participant answered {@code status} with {@code body} (null or empty: no body). */
    static HttpAnswer answered(int status, byte[] body) {
        ReplyOutcome outcome = outcomeOf(status);
        byte[] value = body == null || body.length == 0 ? "null".getBytes(StandardCharsets.UTF_8) : body;
        if (outcome != ReplyOutcome.SUCCESS && !looksLikeJson(value)) {
            value = problem("HTTP_" + status, new String(value, StandardCharsets.UTF_8));
        }
        return new HttpAnswer(outcome, value);
    }

    /** No answer: the call failed ({@code error}, possibly wrapped by the client's future). Always RETRY. */
    static HttpAnswer unanswered(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = cause instanceof HttpTimeoutException ? "no answer in time" : cause.toString();
        return new HttpAnswer(ReplyOutcome.RETRY, problem("HTTP_ERROR", reason));
    }

    private static boolean looksLikeJson(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).trim();
        return s.startsWith("{") || s.startsWith("[");
    }

    private static byte[] problem(String code, String message) {
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
        return ("{\"code\":\"" + code + "\",\"message\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
