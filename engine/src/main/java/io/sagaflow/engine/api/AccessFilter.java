package io.sagaflow.engine.api;

import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.security.AccessRules;
import io.sagaflow.engine.security.Authenticator;
import io.sagaflow.engine.security.Caller;
import io.sagaflow.engine.security.CurrentCaller;
import io.sagaflow.engine.security.Role;
import io.sagaflow.engine.security.WriteRateLimit;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request to the API, its streams and the dashboard's pages passes here first: who is calling
 * ({@link Authenticator}), and may they ({@link AccessRules}). No credentials: 401 with a problem (API) or the login
 * page (a dashboard page); wrong ones: 401; a role short: 403. A request authenticated by the dashboard's cookie that
 * changes something must carry {@code X-Sagaflow-Request} (a header another site's form or link cannot send): CSRF.
 * A principal making more changes than its allowance gets 429 with {@code Retry-After} ({@link WriteRateLimit}); a
 * body over its limit is refused with 413 before it is read.
 */
public class AccessFilter {

    /** The header the dashboard sends with every call; its presence proves the call came from a page of ours. */
    public static final String CSRF_HEADER = "X-Sagaflow-Request";

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final Authenticator authenticator;
    private final CurrentCaller current;
    private final Clock clock;
    private final SagaflowConfig config;
    /** One per node (this filter is a singleton bean): the limit holds per principal and node. */
    private final WriteRateLimit writes = new WriteRateLimit();

    public AccessFilter(Authenticator authenticator, CurrentCaller current, Clock clock, SagaflowConfig config) {
        this.authenticator = authenticator;
        this.current = current;
        this.clock = clock;
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true, priority = jakarta.ws.rs.Priorities.AUTHENTICATION)
    public Uni<Response> check(ContainerRequestContext request) {
        Optional<Response> tooLarge = tooLarge(request);
        if (tooLarge.isPresent()) {
            return Uni.createFrom().item(tooLarge.get());
        }
        if (!authenticator.enabled()) {
            current.set(Caller.ANONYMOUS);
            return Uni.createFrom().nullItem();
        }
        String method = request.getMethod();
        String path = path(request);
        Optional<AccessRules.Need> need = AccessRules.need(method, path);
        if (need.isEmpty() || need.get().isPublic()) {
            return Uni.createFrom().nullItem();
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Cookie cookie = request.getCookies().get(Authenticator.COOKIE);
        String session = cookie == null ? null : cookie.getValue();
        Uni<Authenticator.Outcome> outcome = Uni.createFrom().item(() -> authenticator.identify(authorization, session, clock.instant()));
        if (authenticator.costly(authorization)) {
            outcome = outcome.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());   // PBKDF2 off the event loop
        }
        return outcome.map(o -> decide(o, need.get(), method, path, request));
    }

    private Response decide(Authenticator.Outcome outcome, AccessRules.Need need, String method, String path,
                            ContainerRequestContext request) {
        boolean page = !path.startsWith("/api/");
        Optional<Denial> denial = denial(outcome, need, method, path, request.getHeaderString(CSRF_HEADER) != null);
        if (denial.isPresent()) {
            Denial d = denial.get();
            if (d.status() == 401) {
                return page ? toLogin(path, request) : unauthorized(d);
            }
            return ProblemMappers.respond(d.status(), d.type(), d.title(), d.detail(), Map.of());
        }
        Caller caller = ((Authenticator.Known) outcome).caller();
        if (!SAFE.contains(method)) {
            Optional<java.time.Duration> wait = writes.take(caller.name(), authenticator.writeAllowance(caller), clock.instant());
            if (wait.isPresent()) {
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                return Response.fromResponse(ProblemMappers.respond(429, "rate-limited", "Too Many Requests",
                        caller.name() + " made more changes than its limit allows; try again in " + seconds + " s",
                        Map.of("retryAfterSeconds", seconds))).header("Retry-After", String.valueOf(seconds)).build();
            }
        }
        current.set(caller);
        return null;
    }

    /** Why a request is turned away, before a protocol writes it: 401 or 403, the problem's type, title and detail. */
    public record Denial(int status, String type, String title, String detail) {
    }

    /**
     * The 401 or 403 a request with these credentials gets for what it needs; empty when the caller may go on.
     * {@code csrfHeader}: whether the request carries {@link #CSRF_HEADER} (a change by the dashboard's cookie must).
     */
    public static Optional<Denial> denial(Authenticator.Outcome outcome, AccessRules.Need need, String method, String path,
                                          boolean csrfHeader) {
        if (outcome instanceof Authenticator.Nobody) {
            return Optional.of(new Denial(401, "login-required", "Login required",
                    "this call needs credentials: Authorization: Bearer <API token>, Basic <user:password>, or a dashboard login"));
        }
        if (outcome instanceof Authenticator.Refused refused) {
            return Optional.of(new Denial(401, "invalid-credentials", "Invalid credentials", refused.why()));
        }
        Authenticator.Known known = (Authenticator.Known) outcome;
        Caller caller = known.caller();
        if (known.viaSession() && !SAFE.contains(method) && !csrfHeader) {
            return Optional.of(new Denial(403, "csrf-header-missing", "Forbidden",
                    "a change made with a dashboard login must come from the dashboard (header " + CSRF_HEADER + ")"));
        }
        if (!need.allows(caller)) {
            return Optional.of(new Denial(403, "forbidden", "Forbidden", caller.name() + " ("
                    + caller.roles().stream().map(Role::label).sorted().collect(Collectors.joining(", "))
                    + ") may not " + method + " " + path + "; that needs one of: "
                    + need.anyOf().stream().map(Role::label).sorted().collect(Collectors.joining(", "))));
        }
        return Optional.empty();
    }

    /** The headers a 401 carries: which credentials this API takes. */
    static final java.util.List<String> CHALLENGES = java.util.List.of("Bearer realm=\"sagaflow\"",
            "Basic realm=\"sagaflow\", charset=\"UTF-8\"");

    /**
     * A body over the limit, told by its {@code Content-Length} before it is read: 413 with a problem. (A body sent
     * in chunks is bounded by {@code quarkus.http.limits.max-body-size}.)
     */
    private Optional<Response> tooLarge(ContainerRequestContext request) {
        int length = request.getLength();
        if (length < 0) {
            return Optional.empty();
        }
        String path = path(request);
        boolean flow = path.startsWith("/api/flows");
        int limit = flow ? config.flows().maxBytes() : config.api().maxBodyBytes();
        if (length <= limit) {
            return Optional.empty();
        }
        return Optional.of(ProblemMappers.respond(413, flow ? "document-too-large" : "payload-too-large",
                "Payload too large", "the body has " + length + " bytes; the limit is " + limit
                        + (flow ? " (sagaflow.flows.max-bytes)" : " (sagaflow.api.max-body-bytes)"),
                Map.of("limitBytes", limit)));
    }

    /** The request's path with exactly one leading slash. */
    private static String path(ContainerRequestContext request) {
        return "/" + request.getUriInfo().getPath().replaceFirst("^/+", "");
    }

    private static Response unauthorized(Denial d) {
        Response.ResponseBuilder out = Response.fromResponse(ProblemMappers.respond(401, d.type(), d.title(), d.detail(), Map.of()));
        CHALLENGES.forEach(c -> out.header(HttpHeaders.WWW_AUTHENTICATE, c));
        return out.build();
    }

    private static Response toLogin(String path, ContainerRequestContext request) {
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        String next = path + (query == null ? "" : "?" + query);
        return Response.seeOther(java.net.URI.create("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))).build();
    }
}
