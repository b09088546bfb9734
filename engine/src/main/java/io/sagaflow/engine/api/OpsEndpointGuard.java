package io.sagaflow.engine.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.sagaflow.config.SagaflowConfig;
import io.sagaflow.engine.security.AccessRules;
import io.sagaflow.engine.security.Authenticator;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Quarkus's own read endpoints, {@code /q/metrics}, {@code /q/openapi} and {@code /q/swagger-ui}, under the same
 * login as the API: a viewer may read them, unless {@code sagaflow.security.metrics-public} or
 * {@code openapi-public} opens them. They are Vert.x routes, not resources, so {@link AccessFilter} never sees them:
 * this is a Vert.x filter, with the same credentials ({@link Authenticator}), rules ({@link AccessRules}) and answers
 * ({@link AccessFilter#denial}). {@code /q/health} stays open.
 */
@ApplicationScoped
public class OpsEndpointGuard {

    /** Before Quarkus's own filters (CORS, the access log run at lower priorities). */
    private static final int PRIORITY = 1_000;

    private final Authenticator authenticator;
    private final SagaflowConfig.Security config;
    private final Clock clock;

    public OpsEndpointGuard(Authenticator authenticator, SagaflowConfig config, Clock clock) {
        this.authenticator = authenticator;
        this.config = config.security();
        this.clock = clock;
    }

    void register(@Observes Filters filters) {
        filters.register(this::guard, PRIORITY);
    }

    private void guard(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (!path.startsWith("/q/") || !authenticator.enabled() || open(path)) {   // /q/health: public in the table
            rc.next();
            return;
        }
        String method = rc.request().method().name();
        Optional<AccessRules.Need> need = AccessRules.need(method, path);
        if (need.isEmpty() || need.get().isPublic()) {
            rc.next();
            return;
        }
        String authorization = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        Cookie cookie = rc.request().getCookie(Authenticator.COOKIE);
        String session = cookie == null ? null : cookie.getValue();
        if (authenticator.costly(authorization)) {   // a password: PBKDF2 off the event loop
            rc.vertx().<Authenticator.Outcome>executeBlocking(() -> authenticator.identify(authorization, session, clock.instant()), false)
                    .onComplete(r -> {
                        if (r.succeeded()) {
                            decide(rc, r.result(), need.get(), method, path);
                        } else {
                            rc.fail(r.cause());
                        }
                    });
        } else {
            decide(rc, authenticator.identify(authorization, session, clock.instant()), need.get(), method, path);
        }
    }

    private boolean open(String path) {
        return path.startsWith("/q/metrics") ? config.metricsPublic()
                : (path.startsWith("/q/openapi") || path.startsWith("/q/swagger-ui")) && config.openapiPublic();
    }

    private static void decide(RoutingContext rc, Authenticator.Outcome outcome, AccessRules.Need need, String method,
                               String path) {
        Optional<AccessFilter.Denial> denial = AccessFilter.denial(outcome, need, method, path, false);
        if (denial.isEmpty()) {
            rc.next();
            return;
        }
        AccessFilter.Denial d = denial.get();
        if (d.status() == 401) {
            rc.response().headers().add("WWW-Authenticate", AccessFilter.CHALLENGES);
        }
        rc.response().setStatusCode(d.status()).putHeader(HttpHeaders.CONTENT_TYPE, ProblemMappers.PROBLEM_JSON)
                .end(Json.encode(ProblemMappers.problem(d.status(), d.type(), d.title(), d.detail(), Map.of())));
    }
}
