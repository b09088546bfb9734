package io.sagaflow.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiver of the notification sample (flow {@code merchant-callback}): checks the {@code Sagaflow-Signature}
 * of each call against {@code MERCHANT_SECRET}, and answers 503 for the first N attempts of a notification whose
 * payload says {@code "simulate": "fail:N"} (or every attempt for {@code "fail"}), so the schedule can be watched.
 */
final class Merchant {

    /** One call as the merchant saw it. */
    record Call(Instant at, String notificationId, int attempt, int answered, JsonNode payload) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<String> secret;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    Merchant(Optional<String> secret) {
        this.secret = secret;
    }

    /** The status to answer for this raw body and signature header. */
    int receive(byte[] body, String signature) throws Exception {
        JsonNode json = JSON.readTree(body);
        int status = answer(body, signature, json);
        calls.add(new Call(Instant.now(), json.path("notificationId").asText(), json.path("attempt").asInt(), status,
                json.path("payload")));
        return status;
    }

    private int answer(byte[] body, String signature, JsonNode json) throws Exception {
        if (secret.isPresent()) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
            // constant time: a receiver must not leak how much of a forged signature was right
            if (signature == null || !MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))) {
                return 401;
            }
        }
        String simulate = json.path("payload").path("simulate").asText("");
        if (simulate.equals("fail")) {
            return 503;
        }
        if (simulate.startsWith("fail:")) {
            return json.path("attempt").asInt() <= Integer.parseInt(simulate.substring("fail:".length())) ? 503 : 200;
        }
        return 200;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }
}
