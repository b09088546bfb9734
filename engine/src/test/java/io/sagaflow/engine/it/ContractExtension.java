package io.sagaflow.engine.it;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts the {@link ContractCheck} in front of every IT's requests (registered by JUnit's extension autodetection,
 * switched on for the ITs in engine/pom.xml). It installs the check through the test class's own class loader: a
 * {@code @QuarkusTest} runs with its own copy of REST Assured, and the check must sit in the copy the test calls.
 */
public class ContractExtension implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Class<?> test = context.getRequiredTestClass();
        if (!test.getSimpleName().endsWith("IT")) {
            return;
        }
        Class.forName(ContractCheck.class.getName(), true, test.getClassLoader()).getMethod("install").invoke(null);
    }
}
