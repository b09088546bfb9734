package io.sagaflow.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.sagaflow.config.SagaflowConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {

    private static final String ISSUER = "https://sso.example.test/realms/shop";
    private static RsaJsonWebKey key;
    private static RsaJsonWebKey otherKey;

    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("k1");
        otherKey = RsaJwkGenerator.generateJwk(2048);
        otherKey.setKeyId("k1");
    }

    private static SagaflowConfig.Security.Jwt config(Optional<String> jwks, Optional<Path> pem, Optional<String> audience,
                                                      String rolesClaim) {
        return new SagaflowConfig.Security.Jwt() {
            public Optional<String> issuer() {
                return Optional.of(ISSUER);
            }

            public Optional<String> jwksUrl() {
                return jwks;
            }

            public Optional<Path> publicKeyFile() {
                return pem;
            }

            public Optional<String> audience() {
                return audience;
            }

            public String rolesClaim() {
                return rolesClaim;
            }

            public String nameClaim() {
                return "preferred_username";
            }

            public String flowsClaim() {
                return "sagaflow_flows";
            }

            public Duration clockSkew() {
                return Duration.ofSeconds(30);
            }
        };
    }

    private static JwtVerifier withPem() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key.getPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        return JwtVerifier.of(config(Optional.empty(), Optional.of(pem), Optional.of("sagaflow"), "realm_access/roles")).orElseThrow();
    }

    private static String token(RsaJsonWebKey signer, String algorithm, Map<String, Object> claims, float expiresInMinutes)
            throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(ISSUER);
        c.setAudience("sagaflow");
        c.setSubject("0b8f-user-id");
        c.setExpirationTime(NumericDate.fromMilliseconds(System.currentTimeMillis() + (long) (expiresInMinutes * 60_000)));
        c.setIssuedAtToNow();
        claims.forEach(c::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setKey(signer.getPrivateKey());
        jws.setKeyIdHeaderValue(signer.getKeyId());
        jws.setAlgorithmHeaderValue(algorithm);
        return jws.getCompactSerialization();
    }

    private static final Map<String, Object> OPERATOR = Map.of("preferred_username", "olga",
            "realm_access", Map.of("roles", List.of("offline_access", "operator", "uma_authorization")));

    @Test
    void aValidTokenNamesItsCallerAndOnlyOurRoles() throws Exception {
        JwtVerifier.Result r = withPem().verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, OPERATOR, 5));
        assertThat(r).isEqualTo(new JwtVerifier.Valid(new Caller("olga", Set.of(Role.OPERATOR), Set.of())));
    }

    @Test
    void aStarterGetsTheFlowsItsTokenNames() throws Exception {
        JwtVerifier.Result r = withPem().verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, Map.of(
                "realm_access", Map.of("roles", List.of("starter")), "sagaflow_flows", "order-checkout loyalty-points"), 5));
        Caller c = ((JwtVerifier.Valid) r).caller();
        assertThat(c.name()).as("no name claim: the subject").isEqualTo("0b8f-user-id");
        assertThat(c.mayStart("order-checkout")).isTrue();
        assertThat(c.mayStart("other")).isFalse();
    }

    @Test
    void expiredForgedWrongIssuerWrongAudienceRolelessAndUnsignedTokensAreRefusedSayingWhy() throws Exception {
        JwtVerifier v = withPem();
        assertThat(v.verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, OPERATOR, -5)))
                .isEqualTo(new JwtVerifier.Invalid("the JWT is not valid: it has expired"));
        assertThat(v.verify(token(otherKey, AlgorithmIdentifiers.RSA_USING_SHA256, OPERATOR, 5)))
                .isEqualTo(new JwtVerifier.Invalid("the JWT is not valid: its signature does not match"));
        assertThat(v.verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, Map.of("iss", "https://evil.test"), 5)))
                .isEqualTo(new JwtVerifier.Invalid("the JWT is not valid: its issuer is not the configured one"));
        assertThat(v.verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, Map.of("aud", "another-app",
                "realm_access", Map.of("roles", List.of("admin"))), 5)))
                .isEqualTo(new JwtVerifier.Invalid("the JWT is not valid: its audience is not the configured one"));
        assertThat(v.verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, Map.of("realm_access",
                Map.of("roles", List.of("offline_access"))), 5)))
                .isInstanceOf(JwtVerifier.Invalid.class).extracting(x -> ((JwtVerifier.Invalid) x).why()).asString()
                .contains("names no Sagaflow role");
        // alg none, and a token "signed" with HMAC over the public key (the classic confusion): both refused
        String[] parts = token(key, AlgorithmIdentifiers.RSA_USING_SHA256, OPERATOR, 5).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertThat(v.verify(none)).isInstanceOf(JwtVerifier.Invalid.class);
        assertThat(v.verify("eyJhbGciOiJIUzI1NiJ9.e30.x")).isInstanceOf(JwtVerifier.Invalid.class);
    }

    @Test
    void theProvidersKeySetIsFetchedFromItsJwksUrl() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JsonWebKeySet(key).toJson().getBytes(StandardCharsets.UTF_8);
        server.createContext("/certs", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
        try {
            JwtVerifier v = JwtVerifier.of(config(Optional.of("http://127.0.0.1:" + server.getAddress().getPort() + "/certs"),
                    Optional.empty(), Optional.empty(), "groups")).orElseThrow();
            assertThat(v.verify(token(key, AlgorithmIdentifiers.RSA_USING_SHA256, Map.of("groups", List.of("admin")), 5)))
                    .isInstanceOf(JwtVerifier.Valid.class);
            assertThat(v.verify(token(otherKey, AlgorithmIdentifiers.RSA_USING_SHA256, Map.of("groups", List.of("admin")), 5)))
                    .isInstanceOf(JwtVerifier.Invalid.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withoutAnIssuerNoJwtsAndWithoutAKeyNoStart() {
        SagaflowConfig.Security.Jwt none = config(Optional.empty(), Optional.empty(), Optional.empty(), "groups");
        assertThatThrownBy(() -> JwtVerifier.of(none)).hasMessageContaining("jwks-url or jwt.public-key-file");
        assertThat(JwtVerifier.looksLikeJwt("demo-cli-token")).isFalse();
        assertThat(JwtVerifier.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isTrue();
    }
}
