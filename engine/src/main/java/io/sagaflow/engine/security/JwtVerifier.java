package io.sagaflow.engine.security;

import io.sagaflow.config.SagaflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Checks a bearer JWT of an identity provider and reads who it names: signature (asymmetric algorithms only, by the
 * provider's key set or a configured public key), {@code iss}, {@code aud} when configured, {@code exp} (required)
 * and {@code nbf} within the clock skew. Roles come from a configurable claim; values that are no role of ours are
 * ignored (a provider's tokens carry many groups), and a token naming none of ours is refused with that reason.
 */
public final class JwtVerifier {

    /** What a token says, or why it is refused. */
    public sealed interface Result {
    }

    /** A valid token naming this caller. */
    public record Valid(Caller caller) implements Result {
    }

    /** A token that is not valid, and why (safe to show: it names no key and no secret). */
    public record Invalid(String why) implements Result {
    }

    private static final String[] ASYMMETRIC = {AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
            AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA384, AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
            AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512, AlgorithmIdentifiers.EDDSA};

    private final JwtConsumer consumer;
    private final SagaflowConfig.Security.Jwt config;

    private JwtVerifier(JwtConsumer consumer, SagaflowConfig.Security.Jwt config) {
        this.consumer = consumer;
        this.config = config;
    }

    /** A verifier for the configuration, or empty when JWTs are not configured ({@code issuer} absent). */
    public static Optional<JwtVerifier> of(SagaflowConfig.Security.Jwt config) {
        if (config.issuer().isEmpty()) {
            return Optional.empty();
        }
        JwtConsumerBuilder b = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds())
                .setExpectedIssuer(config.issuer().get())
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, ASYMMETRIC));
        config.audience().ifPresentOrElse(b::setExpectedAudience, () -> b.setSkipDefaultAudienceValidation());
        if (config.jwksUrl().isPresent()) {
            b.setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(config.jwksUrl().get())));
        } else if (config.publicKeyFile().isPresent()) {
            b.setVerificationKey(publicKey(config.publicKeyFile().get()));
        } else {
            throw new IllegalArgumentException("sagaflow.security.jwt.issuer is set: set jwt.jwks-url or jwt.public-key-file "
                    + "too, to check the tokens' signatures");
        }
        return Optional.of(new JwtVerifier(b.build(), config));
    }

    /** Whether a bearer credential is a JWT (three base64url parts) rather than an API token. */
    public static boolean looksLikeJwt(String token) {
        return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** The caller a token names, or why it is refused. */
    public Result verify(String token) {
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            return new Invalid("the JWT is not valid: " + reason(e));
        }
        Map<String, Object> all = claims.getClaimsMap();
        Set<Role> roles = new LinkedHashSet<>();
        for (String value : strings(claim(all, config.rolesClaim()))) {
            try {
                roles.add(Role.of(value));
            } catch (IllegalArgumentException notOurs) {
                // a group of the provider's that is no role here
            }
        }
        if (roles.isEmpty()) {
            return new Invalid("the JWT names no Sagaflow role in its claim '" + config.rolesClaim()
                    + "' (viewer, operator, admin, starter)");
        }
        String name = strings(claim(all, config.nameClaim())).stream().findFirst()
                .or(() -> Optional.ofNullable((String) all.get("sub"))).orElse("jwt");
        return new Valid(new Caller(name, roles, Set.copyOf(strings(claim(all, config.flowsClaim())))));
    }

    /** The value at a claim path ({@code a/b} for nested objects), or null. */
    static Object claim(Map<String, Object> claims, String path) {
        Object at = claims;
        for (String part : path.split("/")) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(part);
        }
        return at;
    }

    /** A claim's values: a list's strings, or a string's space- or comma-separated words. */
    static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            c.forEach(v -> {
                if (v != null) {
                    out.add(v.toString());
                }
            });
        } else if (value instanceof String s) {
            for (String word : s.split("[ ,]+")) {
                if (!word.isBlank()) {
                    out.add(word);
                }
            }
        }
        return out;
    }

    /** Why jose4j refused a token, in words that quote nothing of it. */
    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "it has expired";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "its issuer is not the configured one";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "its audience is not the configured one";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "it is not valid yet (nbf)";
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "it has no expiry (exp)";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "its signature does not match";
        }
        return "its signature, algorithm or format is not accepted";
    }

    private static PublicKey publicKey(Path pem) {
        try {
            String text = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(text);
            for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                } catch (java.security.spec.InvalidKeySpecException notThisKind) {
                    // try the next
                }
            }
            throw new IllegalArgumentException(pem + " holds no RSA, EC or Ed25519 public key (PEM, 'BEGIN PUBLIC KEY')");
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("cannot read the JWT public key " + pem + ": " + e.getMessage(), e);
        }
    }
}
