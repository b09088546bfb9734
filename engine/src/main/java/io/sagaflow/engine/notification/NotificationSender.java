package io.sagaflow.engine.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.config.SagaflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one claimed attempt: {@code POST} of {@code {"notificationId", "attempt", "sentAt", "payload"}} to the
 * flow's target, signed when the flow says so. Runs outside any transaction; never throws: every way an attempt
 * can go wrong is an {@link AttemptResult}.
 */
@ApplicationScoped
public class NotificationSender {

    /** Header with the notification id (also in the body), so receivers can dedupe without parsing. */
    public static final String ID_HEADER = "Sagaflow-Notification-Id";
    /** Header with the attempt number. */
    public static final String ATTEMPT_HEADER = "Sagaflow-Attempt";
    /** Header with {@code sha256=<hex HMAC-SHA256 of the raw body>}. */
    public static final String SIGNATURE_HEADER = "Sagaflow-Signature";
    private static final String HMAC = "HmacSHA256";
    private static final String SECRETS_PREFIX = "sagaflow.notifications.secrets.";

    private final SagaflowConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http;

    public NotificationSender(SagaflowConfig config, ObjectMapper json, Clock clock) {
        this.config = config;
        this.json = json;
        this.clock = clock;
        // HTTP/1.1: receivers are plain web hooks; an h2c upgrade attempt only costs them a round trip.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.notifications().requestTimeout()).build();
    }

    /** Sends the attempt; completes with its result, never exceptionally. */
    public CompletionStage<AttemptResult> send(Claim claim) {
        byte[] body;
        try {
            body = body(claim);
        } catch (JsonProcessingException e) {
            return CompletableFuture.completedFuture(new AttemptResult.Failed("the payload cannot be written: "
                    + e.getMessage(), Duration.ZERO));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(claim.flow().target())
                .timeout(config.notifications().requestTimeout())
                .header("Content-Type", "application/json")
                .header(ID_HEADER, claim.notificationId().toString())
                .header(ATTEMPT_HEADER, Integer.toString(claim.attempt()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (claim.flow().signing().isPresent()) {
            String env = claim.flow().signing().get().secretEnv();
            Optional<String> secret = secret(env);
            if (secret.isEmpty()) {
                // Sending unsigned would teach receivers to accept unsigned bodies: fail the attempt instead.
                return CompletableFuture.completedFuture(new AttemptResult.Failed("not sent: the signing secret is "
                        + "missing (environment variable " + env + " is not set, nor " + SECRETS_PREFIX + env + ")",
                        Duration.ZERO));
            }
            request.header(SIGNATURE_HEADER, "sha256=" + sign(secret.get(), body));
        }
        long started = System.nanoTime();
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    Duration latency = Duration.ofNanos(System.nanoTime() - started);
                    if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        return new AttemptResult.Failed(cause.getClass().getSimpleName()
                                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), latency);
                    }
                    return new AttemptResult.Answered(response.statusCode(), latency);
                });
    }

    /** The exact bytes sent (and signed). */
    byte[] body(Claim claim) throws JsonProcessingException {
        ObjectNode body = json.createObjectNode();
        body.put("notificationId", claim.notificationId().toString());
        body.put("attempt", claim.attempt());
        body.put("sentAt", clock.instant().toString());
        body.set("payload", json.readTree(claim.payloadJson()));
        return json.writeValueAsBytes(body);
    }

    /** The secret named by a flow: the environment variable, else {@code sagaflow.notifications.secrets.<name>}. */
    Optional<String> secret(String env) {
        String value = System.getenv(env);
        if (value != null && !value.isEmpty()) {
            return Optional.of(value);
        }
        return Optional.ofNullable(config.notifications().secrets().get(env)).filter(s -> !s.isEmpty());
    }

    /** Hex HMAC-SHA256 of {@code body} with {@code secret} (UTF-8). */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JVM", e);
        }
    }
}
