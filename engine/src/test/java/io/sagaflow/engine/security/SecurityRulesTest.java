package io.sagaflow.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecurityRulesTest {

    private static final Caller VIEWER = new Caller("vic", Set.of(Role.VIEWER), Set.of());
    private static final Caller OPERATOR = new Caller("olga", Set.of(Role.OPERATOR), Set.of());
    private static final Caller ADMIN = new Caller("ada", Set.of(Role.ADMIN), Set.of());
    private static final Caller STARTER = new Caller("shop", Set.of(Role.STARTER), Set.of("order-checkout"));

    private static boolean may(Caller c, String method, String path) {
        return AccessRules.need(method, path).orElseThrow().allows(c);
    }

    @Test
    void healthLoginAndStaticFilesArePublicMetricsAndTheContractNeedAViewer() {
        assertThat(AccessRules.need("GET", "/q/health/ready").orElseThrow().isPublic()).isTrue();
        assertThat(AccessRules.need("POST", "/login").orElseThrow().isPublic()).isTrue();
        assertThat(AccessRules.need("GET", "/ui/app.js").orElseThrow().isPublic()).isTrue();
        for (String ops : List.of("/q/metrics", "/q/openapi", "/q/swagger-ui/index.html")) {
            assertThat(AccessRules.need("GET", ops).orElseThrow().anyOf()).as(ops).containsExactly(Role.VIEWER);
        }
        assertThat(AccessRules.need("GET", "/q/dev-ui")).isEmpty();
    }

    @Test
    void adminIncludesOperatorWhichIncludesViewerAndStarterStandsApart() {
        assertThat(Role.ADMIN.grants(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.grants(Role.ADMIN)).isFalse();
        assertThat(Role.STARTER.grants(Role.VIEWER)).isFalse();
        assertThat(Role.VIEWER.grants(Role.STARTER)).isFalse();
    }

    @Test
    void theMatrix() {
        String id = "0b3c7a55-0000-0000-0000-000000000000";
        assertThat(may(VIEWER, "GET", "/api/sagas")).isTrue();
        assertThat(may(VIEWER, "GET", "/sagas/" + id)).isTrue();
        assertThat(may(VIEWER, "POST", "/api/sagas/" + id + "/abort")).isFalse();
        assertThat(may(OPERATOR, "POST", "/api/sagas/" + id + "/abort")).isTrue();
        assertThat(may(OPERATOR, "POST", "/api/sagas/" + id + "/steps/charge/skip")).isTrue();
        assertThat(may(OPERATOR, "POST", "/api/dead-letters/" + id + "/redrive")).isTrue();
        assertThat(may(OPERATOR, "POST", "/api/dead-letters/redrive")).isFalse();
        assertThat(may(OPERATOR, "POST", "/api/flows")).isFalse();
        assertThat(may(ADMIN, "DELETE", "/api/flows/x")).isTrue();
        assertThat(may(STARTER, "POST", "/api/sagas")).isTrue();
        assertThat(may(STARTER, "GET", "/api/sagas/" + id + "/stream")).isTrue();
        assertThat(may(STARTER, "GET", "/api/sagas")).isFalse();
        assertThat(may(STARTER, "POST", "/api/messages/" + id + "/commit")).isTrue();
        assertThat(may(VIEWER, "PUT", "/api/anything-new")).isFalse();
        assertThat(may(ADMIN, "PUT", "/api/anything-new")).isTrue();
    }

    @Test
    void aStarterStartsOnlyItsFlowsAnAdminAny() {
        assertThat(STARTER.mayStart("order-checkout")).isTrue();
        assertThat(STARTER.mayStart("order-hold")).isFalse();
        assertThat(ADMIN.mayStart("order-hold")).isTrue();
        assertThat(OPERATOR.mayStart("order-checkout")).isFalse();
    }

    @Test
    void aSessionReadsBackUntilItExpiresAndNotAfterAnyChange() {
        byte[] key = Secrets.randomKey();
        Instant now = Instant.parse("2026-12-05T10:00:00Z");
        String cookie = Session.issue(STARTER, now.plusSeconds(60), key);
        assertThat(Session.read(cookie, now, key)).contains(STARTER);
        assertThat(Session.read(cookie, now.plusSeconds(61), key)).isEmpty();
        assertThat(Session.read(cookie, now, Secrets.randomKey())).isEmpty();
        String tampered = (cookie.charAt(0) == 'A' ? 'B' : 'A') + cookie.substring(1);
        assertThat(Session.read(tampered, now, key)).isEmpty();
        assertThat(Session.read("garbage", now, key)).isEmpty();
    }

    @Test
    void passwordsAndTokensMatchOnlyThemselves() {
        String hash = Secrets.hashPassword("s3cret".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256:600000:");
        assertThat(Secrets.passwordMatches("s3cret".toCharArray(), hash)).isTrue();
        assertThat(Secrets.passwordMatches("s3cret!".toCharArray(), hash)).isFalse();
        assertThat(Secrets.passwordMatches("s3cret".toCharArray(), "plain-text")).isFalse();
        assertThat(Secrets.tokenMatches("tok", Secrets.hashToken("tok"))).isTrue();
        assertThat(Secrets.tokenMatches("tok", Secrets.hashToken("tok2"))).isFalse();
    }
}
