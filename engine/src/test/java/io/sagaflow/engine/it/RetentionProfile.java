package io.sagaflow.engine.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Retention that sweeps often, a short keep period for flow order-hold, an archive topic, a tiny WAL bound. */
public class RetentionProfile implements QuarkusTestProfile {

    /** Fixed: the profile and the test may be loaded by different class loaders; the broker is the test's own. */
    static final String ARCHIVE_TOPIC = "sagaflow.archive.it";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sagaflow.retention.every", "300ms",
                "sagaflow.retention.keep", "1d",
                "sagaflow.retention.flows.\"order-hold\"", "1h",
                "sagaflow.retention.batch-size", "2",
                "sagaflow.retention.archive-topic", ARCHIVE_TOPIC,
                // Any WAL kept at all passes this bound: the guard must say so.
                "sagaflow.retention.max-slot-wal-bytes", "1");
    }
}
