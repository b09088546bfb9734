package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sagaflow.participant.internal.BarrierRules;
import io.sagaflow.participant.internal.BarrierRules.Recorded;
import io.sagaflow.participant.internal.BarrierRules.Row;
import io.sagaflow.wire.CommandKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BarrierRulesTest {

    @Test
    void undoInsertsItsOriginAsBlockedBeforeItsOwnRow() {
        assertThat(BarrierRules.inserts(CommandKind.COMPENSATION)).containsExactly(
                new BarrierRules.Insert("action", Recorded.BLOCKED),
                new BarrierRules.Insert("compensation", Recorded.IN_PROGRESS));
        assertThat(BarrierRules.inserts(CommandKind.CANCEL)).extracting(BarrierRules.Insert::op)
                .containsExactly("try", "cancel");
        assertThat(BarrierRules.inserts(CommandKind.CONFIRM)).extracting(BarrierRules.Insert::op).containsExactly("confirm");
    }

    @Test
    void newActionRunsTheMethod() {
        assertThat(BarrierRules.next(CommandKind.ACTION, false, true, Optional.empty())).isInstanceOf(BarrierRules.Run.class);
    }

    @Test
    void compensationWhoseActionNeverRanIsAcknowledgedWithoutRunning() {
        assertThat(BarrierRules.next(CommandKind.COMPENSATION, true, true, Optional.empty()))
                .isInstanceOf(BarrierRules.Acknowledge.class);
    }

    @Test
    void compensationAfterItsActionRunsTheMethod() {
        assertThat(BarrierRules.next(CommandKind.COMPENSATION, false, true, Optional.empty()))
                .isInstanceOf(BarrierRules.Run.class);
    }

    @Test
    void duplicateReplaysTheRecordedSuccess() {
        BarrierRules.Next next = BarrierRules.next(CommandKind.ACTION, false, false,
                Optional.of(new Row(Recorded.SUCCESS, Optional.of("{\"charged\":5}"))));
        assertThat(next).isEqualTo(new BarrierRules.Replay(new CommandResult.Success(
                JsonNodeFactory.instance.objectNode().put("charged", 5))));
    }

    @Test
    void duplicateReplaysTheRecordedFailure() {
        CommandResult failure = new CommandResult.Failure("insufficient-funds", "balance 3 < 5");
        BarrierRules.Next next = BarrierRules.next(CommandKind.TRY, false, false,
                Optional.of(new Row(BarrierRules.recorded(failure), Optional.of(BarrierRules.output(failure)))));
        assertThat(next).isEqualTo(new BarrierRules.Replay(failure));
    }

    @Test
    void actionBlockedByAnEarlierCompensationIsRefused() {
        BarrierRules.Next next = BarrierRules.next(CommandKind.ACTION, false, false,
                Optional.of(new Row(Recorded.BLOCKED, Optional.empty())));
        assertThat(((BarrierRules.Replay) next).outcome())
                .isInstanceOfSatisfying(CommandResult.Failure.class,
                        f -> assertThat(f.code()).isEqualTo(BarrierRules.CANCELLED_BEFORE_ACTION));
    }

    @Test
    void businessFailureIsAFailureAndAnythingElseARetry() {
        assertThat(BarrierRules.fromException(new BusinessFailure("out-of-stock", "none left")))
                .isEqualTo(new CommandResult.Failure("out-of-stock", "none left"));
        assertThat(BarrierRules.fromException(new java.util.concurrent.CompletionException(
                new BusinessFailure("out-of-stock", "none left")))).isInstanceOf(CommandResult.Failure.class);
        assertThat(BarrierRules.fromException(new IllegalStateException("db down"))).isInstanceOf(CommandResult.Retry.class);
    }

    @Test
    void retryIsNeverRecorded() {
        assertThatThrownBy(() -> BarrierRules.recorded(new CommandResult.Retry("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
