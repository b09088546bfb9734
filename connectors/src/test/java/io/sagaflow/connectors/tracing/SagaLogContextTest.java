package io.sagaflow.connectors.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class SagaLogContextTest {

    @Test
    void aLogLineSaysWhichSagaWhileTheWorkLasts() {
        try (SagaLogContext saga = SagaLogContext.of("7c1e")) {
            assertThat(MDC.get(SagaLogContext.KEY)).isEqualTo("saga=7c1e ");
        }
        assertThat(MDC.get(SagaLogContext.KEY)).isNull();
    }
}
