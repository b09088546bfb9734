package io.sagaflow.engine.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Password and token hashes as configured, and their checks, with the JDK's own primitives only. Comparisons are
 * constant-time. Passwords: {@code pbkdf2-sha256:<iterations>:<salt b64>:<hash b64>}; tokens (long random strings,
 * so one SHA-256 is enough): {@code sha256:<hex>}.
 */
public final class Secrets {

    /** Iterations of a new password hash (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
    public static final int ITERATIONS = 600_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /**
     * Prints the configured forms: {@code java -cp engine/target/quarkus-app/app/sagaflow-engine-<version>.jar
     * io.sagaflow.engine.security.Secrets password <password>} (or {@code token <token>}).
     */
    public static void main(String[] args) {
        if (args.length != 2 || !Set.of("password", "token").contains(args[0])) {
            System.err.println("usage: Secrets password <password> | token <token>");
            System.exit(2);
        }
        System.out.println(args[0].equals("password") ? hashPassword(args[1].toCharArray()) : hashToken(args[1]));
    }

    /** A new password hash, for the configuration. */
    public static String hashPassword(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256:" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** Whether {@code password} matches a configured hash; false for a hash that is not in the expected form. */
    public static boolean passwordMatches(char[] password, String configured) {
        String[] parts = configured.split(":");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, pbkdf2(password, Base64.getDecoder().decode(parts[2]), iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The configured form of a token: {@code sha256:<hex>}. */
    public static String hashToken(String token) {
        return "sha256:" + HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code token} matches a configured {@code sha256:<hex>}. */
    public static boolean tokenMatches(String token, String configured) {
        return MessageDigest.isEqual(hashToken(token).getBytes(StandardCharsets.US_ASCII),
                configured.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** HMAC-SHA256 of {@code data} under {@code key}, base64url without padding. */
    public static String sign(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A random key of 32 bytes. */
    public static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }
}
