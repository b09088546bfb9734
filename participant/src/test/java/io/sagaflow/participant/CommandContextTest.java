package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.wire.CommandKind;
import org.junit.jupiter.api.Test;

class CommandContextTest {

    private static CommandContext ctx(CommandKind kind, String key) {
        return new CommandContext("s1", "charge-card", kind, "charge", "m1", key);
    }

    @Test
    void firstRunIsTheStepAndTheKind() {
        assertThat(ctx(CommandKind.ACTION, "s1:charge-card:action").branch()).isEqualTo("charge-card");
        assertThat(ctx(CommandKind.ACTION, "s1:charge-card:action").op()).isEqualTo("action");
    }

    @Test
    void operatorReRunIsANewOperationInTheSameBranch() {
        CommandContext rerun = ctx(CommandKind.COMPENSATION, "s1:charge-card:compensation:2");
        assertThat(rerun.branch()).isEqualTo("charge-card");
        assertThat(rerun.op()).isEqualTo("compensation:2");
    }

    @Test
    void keyOfAnotherShapeKeepsTheStepAsBranchAndTheKindAsOperation() {
        assertThat(ctx(CommandKind.TRY, "custom-key-7").branch()).isEqualTo("charge-card");
        assertThat(ctx(CommandKind.TRY, "custom-key-7").op()).isEqualTo("try");
    }

    @Test
    void blankSagaIdIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new CommandContext(" ", "s", CommandKind.ACTION, "c", "", "k"))
                .hasMessageContaining("sagaId must not be blank");
    }

    @Test
    void kindsReadTheirWireNames() {
        assertThat(CommandKind.fromWire("compensation")).contains(CommandKind.COMPENSATION);
        assertThat(CommandKind.fromWire("Compensation")).isEmpty();
        assertThat(CommandKind.CANCEL.origin()).contains(CommandKind.TRY);
    }
}
