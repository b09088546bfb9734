package io.sagaflow.engine.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A dashboard login as a signed cookie value: {@code base64url(name \n roles \n flows \n expiry) . hmac}. Nothing is
 * kept on the server; a changed byte or a passed expiry makes it worthless.
 */
public final class Session {

    private Session() {
    }

    /** The cookie value for {@code caller}, valid until {@code expiry}. */
    public static String issue(Caller caller, Instant expiry, byte[] key) {
        String body = String.join("\n", caller.name(),
                caller.roles().stream().map(Role::label).sorted().collect(Collectors.joining(",")),
                String.join(",", caller.flows().stream().sorted().toList()), Long.toString(expiry.getEpochSecond()));
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + Secrets.sign(key, encoded);
    }

    /** The caller of a cookie value, if it is intact and not expired at {@code now}. */
    public static Optional<Caller> read(String value, Instant now, byte[] key) {
        int dot = value.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = value.substring(0, dot);
        byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, Secrets.sign(key, encoded).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 4 || Instant.ofEpochSecond(Long.parseLong(parts[3])).isBefore(now)) {
                return Optional.empty();
            }
            Set<Role> roles = Arrays.stream(parts[1].split(",")).filter(r -> !r.isBlank()).map(Role::of)
                    .collect(Collectors.toSet());
            Set<String> flows = Arrays.stream(parts[2].split(",")).filter(f -> !f.isBlank()).collect(Collectors.toSet());
            return Optional.of(new Caller(parts[0], roles, flows));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
