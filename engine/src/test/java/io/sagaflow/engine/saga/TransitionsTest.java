package io.sagaflow.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TransitionsTest {

    private static final Path DIAGRAM = Path.of("../docs/saga-states.md");

    /** The checked-in diagram is regenerated from the table; a change to the table shows in review. */
    @Test
    void checkedInDiagramMatchesTheTransitionTable() throws Exception {
        String rendered = Transitions.renderMermaid();
        if (Boolean.getBoolean("sagaflow.regenerate") || !Files.exists(DIAGRAM)) {
            Files.writeString(DIAGRAM, rendered);
        }
        assertThat(Files.readString(DIAGRAM)).isEqualTo(rendered);
    }

    @Test
    void completedAndCompensatedSagasLeadNowhere() {
        assertThat(Transitions.SAGA.get(SagaStatus.COMPLETED)).isEmpty();
        assertThat(Transitions.SAGA.get(SagaStatus.COMPENSATED)).isEmpty();
    }
}
