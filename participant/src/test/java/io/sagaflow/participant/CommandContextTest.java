package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandContextTest {

    private static CommandContext ctx(Kind kind, String key) {
        return new CommandContext("s1", "charge-card", kind, "charge", "m1", key);
    }

    @Test
    void firstRunIsTheStepAndTheKind() {
        assertThat(ctx(Kind.ACTION, "s1:charge-card:action").branch()).isEqualTo("charge-card");
        assertThat(ctx(Kind.ACTION, "s1:charge-card:action").op()).isEqualTo("action");
    }

    @Test
    void operatorReRunIsANewOperationInTheSameBranch() {
        CommandContext rerun = ctx(Kind.COMPENSATION, "s1:charge-card:compensation:2");
        assertThat(rerun.branch()).isEqualTo("charge-card");
        assertThat(rerun.op()).isEqualTo("compensation:2");
    }

    @Test
    void keyOfAnotherShapeKeepsTheStepAsBranchAndTheKindAsOperation() {
        assertThat(ctx(Kind.TRY, "custom-key-7").branch()).isEqualTo("charge-card");
        assertThat(ctx(Kind.TRY, "custom-key-7").op()).isEqualTo("try");
    }

    @Test
    void blankSagaIdIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new CommandContext(" ", "s", Kind.ACTION, "c", "", "k"))
                .hasMessageContaining("sagaId must not be blank");
    }

    @Test
    void kindsReadTheirWireNames() {
        assertThat(Kind.fromWire("compensation")).contains(Kind.COMPENSATION);
        assertThat(Kind.fromWire("Compensation")).isEmpty();
        assertThat(Kind.CANCEL.origin()).contains(Kind.TRY);
    }
}
