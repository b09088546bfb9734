package io.sagaflow.engine.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Direct sends on (off by default): the relay leader sends the commands it decides right after its commit. */
public class DirectSendProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sagaflow.relay.direct-send", "true");
    }
}
