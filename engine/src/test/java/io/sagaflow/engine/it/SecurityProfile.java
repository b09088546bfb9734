package io.sagaflow.engine.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.sagaflow.engine.security.Secrets;
import java.util.HashMap;
import java.util.Map;

/** Security on, with one user per role and a starter token limited to one flow (passwords: the user name + "-pw"). */
public class SecurityProfile implements QuarkusTestProfile {

    /** Fixed values: the profile and the test may be loaded by different class loaders. */
    static final String STARTER_TOKEN = "shop-token-0123456789";
    static final String OPERATOR_TOKEN = "ops-token-0123456789";
    /** A starter allowed one change a second (burst two). */
    static final String SLOW_TOKEN = "slow-token-0123456789";
    static final String JWT_ISSUER = "https://sso.sagaflow.test/realms/it";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> c = new HashMap<>();
        c.put("sagaflow.security.enabled", "true");
        c.put("sagaflow.security.session-secret", "a-session-secret-of-at-least-32-chars!");
        for (String[] user : new String[][] {{"vic", "viewer"}, {"olga", "operator"}, {"ada", "admin"}}) {
            c.put("sagaflow.security.users." + user[0] + ".password-hash", Secrets.hashPassword((user[0] + "-pw").toCharArray()));
            c.put("sagaflow.security.users." + user[0] + ".roles", user[1]);
        }
        c.put("sagaflow.security.tokens.shop.hash", Secrets.hashToken(STARTER_TOKEN));
        c.put("sagaflow.security.tokens.shop.roles", "starter");
        c.put("sagaflow.security.tokens.shop.flows", "order-checkout,order-checkout-strict");
        c.put("sagaflow.security.tokens.ops.hash", Secrets.hashToken(OPERATOR_TOKEN));
        c.put("sagaflow.security.tokens.ops.roles", "operator");
        c.put("sagaflow.security.tokens.slow.hash", Secrets.hashToken(SLOW_TOKEN));
        c.put("sagaflow.security.tokens.slow.roles", "starter");
        c.put("sagaflow.security.tokens.slow.flows", "order-checkout");
        c.put("sagaflow.security.tokens.slow.writes-per-second", "1");
        // bearer JWTs of an identity provider, roles in Keycloak's place (SecurityIT signs them with the test key)
        c.put("sagaflow.security.jwt.issuer", JWT_ISSUER);
        c.put("sagaflow.security.jwt.public-key-file", "src/test/resources/security/jwt-test-public.pem");
        c.put("sagaflow.security.jwt.audience", "sagaflow");
        c.put("sagaflow.security.jwt.roles-claim", "realm_access/roles");
        return c;
    }
}
