package io.sagaflow.engine.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.sagaflow.samples.ShopParticipants;
import java.util.Map;

/** {@link TestInfra} for the engine started in the test JVM by {@code @QuarkusTest}. */
public class SagaflowStack implements QuarkusTestResourceLifecycleManager {

    private static volatile TestInfra infra;

    /** The running sample participants (their journal is what the tests observe). */
    public static ShopParticipants participants() {
        return infra.participants;
    }

    @Override
    public Map<String, String> start() {
        infra = new TestInfra();
        return infra.engineConfig();
    }

    @Override
    public void stop() {
        if (infra != null) {
            infra.close();
        }
    }
}
