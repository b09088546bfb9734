package io.sagaflow.engine.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one table of who may call what, as data (docs/security.md renders it). A request is matched by method and path
 * to the first rule that fits; an unlisted path under {@code /api} needs {@code admin} (closed by default). Public:
 * health, the login page, the dashboard's static files.
 */
public final class AccessRules {

    /** What a request needs: nothing ({@code anyOf} empty), or one of these roles. */
    public record Need(Set<Role> anyOf) {
        public boolean isPublic() {
            return anyOf.isEmpty();
        }

        /** Whether the caller holds one of the roles. */
        public boolean allows(Caller caller) {
            return isPublic() || anyOf.stream().anyMatch(caller::has);
        }
    }

    /** One line of the table. */
    public record Rule(String methods, Pattern path, Need need, String what) {
        boolean matches(String method, String p) {
            return (methods.equals("*") || Set.of(methods.split(",")).contains(method)) && path.matcher(p).matches();
        }
    }

    private static final Need PUBLIC = new Need(Set.of());
    private static final Need VIEW = new Need(Set.of(Role.VIEWER));
    private static final Need OPERATE = new Need(Set.of(Role.OPERATOR));
    private static final Need ADMINISTER = new Need(Set.of(Role.ADMIN));
    private static final Need START = new Need(Set.of(Role.STARTER, Role.ADMIN));
    private static final Need SETTLE = new Need(Set.of(Role.STARTER, Role.OPERATOR));
    private static final Need FOLLOW = new Need(Set.of(Role.VIEWER, Role.STARTER));

    private static final String ID = "[^/]+";
    private static final String READ = "GET,HEAD,OPTIONS";

    /** The table, in order. */
    public static final List<Rule> RULES = List.of(
            rule("*", "/q/health(/.*)?", PUBLIC, "health and readiness"),
            rule(READ, "/q/metrics(/.*)?", VIEW, "metrics (open with sagaflow.security.metrics-public)"),
            rule(READ, "/q/(openapi|swagger-ui)(/.*)?", VIEW,
                    "the OpenAPI document and its UI (open with sagaflow.security.openapi-public)"),
            rule("GET,HEAD,POST", "/login|/logout", PUBLIC, "log in and out"),
            rule(READ, "/ui/.*", PUBLIC, "the dashboard's static files (no data)"),
            rule("POST", "/api/sagas", START, "start a saga (a starter: of its flows)"),
            rule("POST", "/api/messages", START, "prepare a message (a starter: of its flows)"),
            rule("POST", "/api/notifications", START, "send a notification (a starter: of its flows)"),
            rule("POST", "/api/messages/" + ID + "/(commit|rollback)", SETTLE, "settle a message"),
            rule("POST", "/api/messages/" + ID + "/dead-letter", SETTLE, "a consumer gives up on a message"),
            rule(READ, "/api/(sagas|messages|notifications)/" + ID + "(/events|/stream)?", FOLLOW,
                    "follow one saga, message or notification"),
            rule("POST", "/api/sagas/" + ID + "/(abort|retry)", OPERATE, "abort or retry a saga"),
            rule("POST", "/api/sagas/" + ID + "/steps/" + ID + "/skip", OPERATE, "skip a step"),
            rule("POST", "/api/dead-letters/redrive", ADMINISTER, "bulk redrive"),
            rule("POST", "/api/dead-letters/" + ID + "/redrive", OPERATE, "redrive a dead letter"),
            rule("POST", "/api/notifications/" + ID + "/resend", OPERATE, "resend a notification"),
            rule("POST", "/api/cache-syncs/" + ID + "/reconcile", OPERATE, "reconcile a cache sync"),
            rule("POST,DELETE", "/api/flows(/.*)?", ADMINISTER, "deploy or undeploy a flow"),
            rule(READ, "/api(/.*)?", VIEW, "read anything"),
            rule("*", "/api(/.*)?", ADMINISTER, "anything else under /api (closed by default)"),
            rule(READ, "/|/(sagas|dead-letters|messages|notifications|cache-syncs|nodes|flows)(/" + ID + ")?", VIEW,
                    "the dashboard's pages"));

    private AccessRules() {
    }

    private static Rule rule(String methods, String path, Need need, String what) {
        return new Rule(methods, Pattern.compile(path), need, what);
    }

    /** What a request needs; empty when no rule speaks of it (not ours: e.g. /q/dev-ui, left to Quarkus). */
    public static Optional<Need> need(String method, String path) {
        return RULES.stream().filter(r -> r.matches(method, path)).findFirst().map(Rule::need);
    }
}
