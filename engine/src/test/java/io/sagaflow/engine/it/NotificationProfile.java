package io.sagaflow.engine.it;


import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Notification timings short enough for tests, and a signing secret given by configuration. */
public class NotificationProfile implements QuarkusTestProfile {

    /** The secret the signed test flow names (as an environment variable that is not set). */
    static final String SECRET_ENV = "SAGAFLOW_IT_NOTIFY_SECRET";
    static final String SECRET = "it-secret-\u00e9-42";
    /** Request timeout + lease margin: how long a claimed attempt without outcome waits to be repeated. */
    static final long LEASE_MS = 3000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sagaflow.notifications.poll-interval", "50ms",
                "sagaflow.notifications.request-timeout", "2s",
                "sagaflow.notifications.lease-margin", "1s",
                "sagaflow.notifications.secrets." + SECRET_ENV, SECRET);
    }
}
