package io.sagaflow.engine.security;

import io.sagaflow.config.SagaflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a request comes from, by the credentials it carries: an API token or an identity provider's JWT
 * ({@code Authorization: Bearer}, {@link JwtVerifier}), a user's
 * password ({@code Authorization: Basic}) or a dashboard session cookie. A password check costs a PBKDF2 run (about
 * half a second on purpose): call {@link #identify} off the event loop when {@link #costly} says so; a password that
 * passed is remembered for five minutes (by its SHA-256), so scripts using Basic pay once.
 */
@ApplicationScoped
public class Authenticator {

    /** The dashboard's session cookie. */
    public static final String COOKIE = "sagaflow_session";

    /** What the credentials of a request say. */
    public sealed interface Outcome {
    }

    /** No credentials at all. */
    public record Nobody() implements Outcome {
    }

    /** Credentials that name a caller; {@code viaSession} when by the dashboard's cookie (CSRF applies). */
    public record Known(Caller caller, boolean viaSession) implements Outcome {
    }

    /** Credentials that are wrong, expired or malformed. */
    public record Refused(String why) implements Outcome {
    }

    private static final Duration REMEMBER = Duration.ofMinutes(5);

    private final SagaflowConfig.Security config;
    private final Optional<JwtVerifier> jwt;
    private final byte[] sessionKey;
    private final Map<String, Instant> passed = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > 1000;
        }
    });

    public Authenticator(SagaflowConfig config) {
        this.config = config.security();
        this.jwt = JwtVerifier.of(this.config.jwt());
        this.sessionKey = this.config.sessionSecret().map(secret -> {
            if (secret.length() < 32) {
                throw new IllegalArgumentException("sagaflow.security.session-secret must have at least 32 characters, has "
                        + secret.length());
            }
            return secret.getBytes(StandardCharsets.UTF_8);
        }).orElseGet(Secrets::randomKey);
        this.config.users().forEach((name, u) -> u.roles().forEach(Role::of));   // a typo fails the start, not a login
        this.config.tokens().forEach((name, t) -> t.roles().forEach(Role::of));
    }

    /** Whether requests need credentials at all. */
    public boolean enabled() {
        return config.enabled();
    }

    /** Whether identifying these credentials may need a password check (run it on a worker thread then). */
    public boolean costly(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    }

    /** Who the request is from. */
    public Outcome identify(String authorization, String sessionCookie, Instant now) {
        if (authorization != null && !authorization.isBlank()) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return byToken(authorization.substring(7).trim());
            }
            if (costly(authorization)) {
                return byPassword(authorization.substring(6).trim(), now);
            }
            return new Refused("the Authorization header must be 'Bearer <token>' or 'Basic <user:password>'");
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            return Session.read(sessionCookie, now, sessionKey).<Outcome>map(c -> new Known(c, true))
                    .orElse(new Refused("the session has expired or is not valid; log in again"));
        }
        return new Nobody();
    }

    /** The caller of a user name and password (the login form), if they match. */
    public Optional<Caller> login(String user, char[] password) {
        SagaflowConfig.Security.User u = user == null ? null : config.users().get(user);
        if (u == null) {
            Secrets.passwordMatches(password, DUMMY);   // the same time for an unknown user
            return Optional.empty();
        }
        return Secrets.passwordMatches(password, u.passwordHash()) ? Optional.of(caller(user, u.roles(), u.flows()))
                : Optional.empty();
    }

    /** A session cookie value for {@code caller}, from {@code now} for the configured time. */
    public String session(Caller caller, Instant now) {
        return Session.issue(caller, now.plus(config.sessionTtl()), sessionKey);
    }

    /**
     * How many changes a second {@code caller} may make: its user's or token's own {@code writes-per-second} (burst:
     * twice that), else {@code sagaflow.security.writes-per-second} and {@code write-burst}.
     */
    public WriteRateLimit.Allowance writeAllowance(Caller caller) {
        Optional<Double> own = Optional.ofNullable(config.users().get(caller.name()))
                .flatMap(SagaflowConfig.Security.User::writesPerSecond)
                .or(() -> Optional.ofNullable(config.tokens().get(caller.name()))
                        .flatMap(SagaflowConfig.Security.Token::writesPerSecond));
        return own.map(r -> new WriteRateLimit.Allowance(r, (int) Math.max(1, Math.ceil(2 * r))))
                .orElseGet(() -> new WriteRateLimit.Allowance(config.writesPerSecond(), config.writeBurst()));
    }

    /** How long a session lasts. */
    public Duration sessionTtl() {
        return config.sessionTtl();
    }

    private Outcome byToken(String token) {
        if (jwt.isPresent() && JwtVerifier.looksLikeJwt(token)) {
            JwtVerifier.Result r = jwt.get().verify(token);
            return r instanceof JwtVerifier.Valid v ? new Known(v.caller(), false) : new Refused(((JwtVerifier.Invalid) r).why());
        }
        for (Map.Entry<String, SagaflowConfig.Security.Token> e : config.tokens().entrySet()) {
            if (Secrets.tokenMatches(token, e.getValue().hash())) {
                return new Known(caller(e.getKey(), e.getValue().roles(), e.getValue().flows()), false);
            }
        }
        return new Refused("unknown API token");
    }

    private Outcome byPassword(String basic, Instant now) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Refused("the Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Refused("the Basic credentials must be user:password");
        }
        String user = decoded.substring(0, colon);
        String fingerprint = Secrets.hashToken(decoded);
        Instant until = passed.get(fingerprint);
        SagaflowConfig.Security.User u = config.users().get(user);
        if (until != null && until.isAfter(now) && u != null) {
            return new Known(caller(user, u.roles(), u.flows()), false);
        }
        Optional<Caller> caller = login(user, decoded.substring(colon + 1).toCharArray());
        caller.ifPresent(c -> passed.put(fingerprint, now.plus(REMEMBER)));
        return caller.<Outcome>map(c -> new Known(c, false)).orElse(new Refused("wrong user name or password"));
    }

    private static Caller caller(String name, List<String> roles, Optional<List<String>> flows) {
        Set<Role> r = roles.stream().map(Role::of).collect(Collectors.toSet());
        return new Caller(name, r, Set.copyOf(flows.orElse(List.of())));
    }

    /** A valid hash of nothing anyone types, checked for unknown users so that they take as long as known ones. */
    private static final String DUMMY = Secrets.hashPassword("\u0000 no user \u0000".toCharArray());
}
