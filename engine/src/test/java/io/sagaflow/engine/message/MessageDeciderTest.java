package io.sagaflow.engine.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.MessageFlow;
import io.sagaflow.engine.message.MessageDecision.Effect;
import io.sagaflow.engine.message.MessageDecision.Verdict;
import io.sagaflow.engine.message.MessageEvent.CheckBackAnswered;
import io.sagaflow.engine.message.MessageEvent.MessageCommitted;
import io.sagaflow.engine.message.MessageEvent.MessagePrepared;
import io.sagaflow.engine.message.MessageEvent.MessageRolledBack;
import io.sagaflow.engine.message.MessageEvent.MessageUndecided;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules of a reliable message, given a state, when an input, then events and effects. No I/O. */
class MessageDeciderTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final int MAX_CHECKS = 3;
    private static final MessageFlow FLOW = new MessageFlow(new FlowId("points-granted", 1), "points.commands",
            new MessageFlow.CheckBack(URI.create("http://producer/tx-status"), Duration.ofSeconds(10),
                    Duration.ofSeconds(30), MAX_CHECKS), MessageFlow.Delivery.DEFAULT);

    private static final MessageInput.Checked UNKNOWN = new MessageInput.Checked(CheckAnswer.UNKNOWN, Optional.empty());

    private static MessageState state(MessageStatus status) {
        return new MessageState(status, 0);
    }

    private static MessageDecision decide(MessageState state, MessageInput input) {
        return MessageDecider.decide(FLOW, state, input, NOW);
    }

    @Test
    void prepareSchedulesTheFirstCheckBackAfterTheFlowsDelay() {
        MessageDecision d = MessageDecider.prepare(FLOW, "order-1", NOW);
        assertThat(d.events()).containsExactly(new MessagePrepared("order-1"));
        assertThat(d.effects()).containsExactly(new Effect.ScheduleCheck(NOW.plusSeconds(10)));
    }

    @Test
    void theAuditRecordsWhoCommittedOrRolledBack() {
        assertThat(decide(MessageState.PREPARED, new MessageInput.Commit(Actor.PRODUCER, java.util.Optional.of("shop")))
                .events()).containsExactly(new MessageCommitted(Actor.PRODUCER, "points.commands", java.util.Optional.of("shop")));
        assertThat(decide(MessageState.PREPARED, new MessageInput.Rollback(Actor.OPERATOR, java.util.Optional.of("olga")))
                .events()).containsExactly(new MessageRolledBack(Actor.OPERATOR, java.util.Optional.of("olga")));
    }

    @Test
    void commitOfAPreparedMessagePublishesItAndStopsTheCheckBacks() {
        MessageDecision d = decide(MessageState.PREPARED, new MessageInput.Commit(Actor.PRODUCER));
        assertThat(d.verdict()).isInstanceOf(Verdict.Applied.class);
        assertThat(d.events()).containsExactly(new MessageCommitted(Actor.PRODUCER, "points.commands"));
        assertThat(d.effects()).containsExactly(new Effect.Publish(), new Effect.StopChecks());
    }

    @Test
    void aSecondCommitChangesNothingAndIsNotAnError() {
        for (MessageStatus committed : List.of(MessageStatus.COMMITTED, MessageStatus.DELIVERED)) {
            MessageDecision d = decide(state(committed), new MessageInput.Commit(Actor.PRODUCER));
            assertThat(d.verdict()).isInstanceOf(Verdict.AlreadyDone.class);
            assertThat(d.events()).isEmpty();
            assertThat(d.effects()).isEmpty();
        }
    }

    @Test
    void commitAfterRollbackAndRollbackAfterCommitAreRefused() {
        assertThat(decide(state(MessageStatus.ROLLED_BACK), new MessageInput.Commit(Actor.PRODUCER)).verdict())
                .isInstanceOf(Verdict.Refused.class);
        assertThat(decide(state(MessageStatus.DELIVERED), new MessageInput.Rollback(Actor.PRODUCER)).verdict())
                .isInstanceOf(Verdict.Refused.class);
        assertThat(decide(state(MessageStatus.ROLLED_BACK), new MessageInput.Rollback(Actor.PRODUCER)).verdict())
                .isInstanceOf(Verdict.AlreadyDone.class);
    }

    @Test
    void rollbackNeverPublishes() {
        MessageDecision d = decide(MessageState.PREPARED, new MessageInput.Rollback(Actor.PRODUCER));
        assertThat(d.events()).containsExactly(new MessageRolledBack(Actor.PRODUCER));
        assertThat(d.effects()).noneMatch(e -> e instanceof Effect.Publish);
    }

    @Test
    void checkBackAnsweringCommittedCommitsTheMessage() {
        MessageDecision d = decide(MessageState.PREPARED, new MessageInput.Checked(CheckAnswer.COMMITTED, Optional.empty()));
        assertThat(d.events()).containsExactly(new CheckBackAnswered(1, CheckAnswer.COMMITTED, Optional.empty()),
                new MessageCommitted(Actor.CHECK_BACK, "points.commands"));
        assertThat(d.effects()).contains(new Effect.Publish());
    }

    @Test
    void checkBackAnsweringRolledBackRollsTheMessageBack() {
        MessageDecision d = decide(MessageState.PREPARED,
                new MessageInput.Checked(CheckAnswer.ROLLED_BACK, Optional.empty()));
        assertThat(d.events()).containsExactly(new CheckBackAnswered(1, CheckAnswer.ROLLED_BACK, Optional.empty()),
                new MessageRolledBack(Actor.CHECK_BACK));
    }

    @Test
    void unknownAnswersAreCheckedAgainEveryIntervalUntilMaxChecksThenUndecidedAndDeadLettered() {
        MessageState state = MessageState.PREPARED;
        for (int check = 1; check < MAX_CHECKS; check++) {
            MessageDecision d = decide(state, UNKNOWN);
            assertThat(d.effects()).containsExactly(new Effect.ScheduleCheck(NOW.plusSeconds(30)));
            state = apply(state, d);
            assertThat(state).isEqualTo(new MessageState(MessageStatus.PREPARED, check));
        }
        MessageDecision last = decide(state, new MessageInput.Checked(CheckAnswer.NO_ANSWER, Optional.of("timed out")));
        assertThat(last.events()).containsExactly(
                new CheckBackAnswered(MAX_CHECKS, CheckAnswer.NO_ANSWER, Optional.of("timed out")),
                new MessageUndecided(MAX_CHECKS));
        assertThat(last.effects()).contains(new Effect.StopChecks());
        assertThat(last.effects()).anySatisfy(e -> {
            assertThat(e).isInstanceOf(Effect.DeadLetterUndecided.class);
            assertThat(((Effect.DeadLetterUndecided) e).reason()).isEqualTo(MessageDecider.UNDECIDED_REASON);
            assertThat(((Effect.DeadLetterUndecided) e).detail()).contains("3 check-backs", "timed out");
        });
        assertThat(apply(state, last)).isEqualTo(new MessageState(MessageStatus.UNDECIDED, MAX_CHECKS));
    }

    @Test
    void aCheckBackAnswerArrivingAfterTheProducerDecidedIsIgnored() {
        for (MessageStatus decided : List.of(MessageStatus.COMMITTED, MessageStatus.ROLLED_BACK,
                MessageStatus.DELIVERED, MessageStatus.UNDECIDED)) {
            MessageDecision d = decide(state(decided), new MessageInput.Checked(CheckAnswer.ROLLED_BACK, Optional.empty()));
            assertThat(d.verdict()).isInstanceOf(Verdict.AlreadyDone.class);
            assertThat(d.events()).isEmpty();
        }
    }

    @Test
    void anOperatorDecisionOfAnUndecidedMessageSettlesItsDeadLetter() {
        MessageDecision commit = decide(state(MessageStatus.UNDECIDED), new MessageInput.Commit(Actor.OPERATOR));
        assertThat(commit.effects()).contains(new Effect.Publish(), new Effect.SettleDeadLetter("committed by operator"));
        MessageDecision rollback = decide(state(MessageStatus.UNDECIDED), new MessageInput.Rollback(Actor.OPERATOR));
        assertThat(rollback.effects()).contains(new Effect.SettleDeadLetter("rolled back by operator"));
    }

    @Test
    void publicationMakesACommittedMessageDeliveredAndARepublicationChangesNothing() {
        assertThat(apply(state(MessageStatus.COMMITTED), decide(state(MessageStatus.COMMITTED),
                new MessageInput.Published())).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(decide(state(MessageStatus.DELIVERED), new MessageInput.Published()).verdict())
                .isInstanceOf(Verdict.AlreadyDone.class);
    }

    @Test
    void onlyAPublishedMessageCanBeReportedOrRepublished() {
        MessageInput.DeliveryFailure failure = new MessageInput.DeliveryFailure("points-svc", "handler-failed", 16, "boom");
        assertThat(decide(MessageState.PREPARED, failure).verdict()).isInstanceOf(Verdict.Refused.class);
        MessageDecision reported = decide(state(MessageStatus.DELIVERED), failure);
        assertThat(reported.effects()).containsExactly(
                new Effect.DeadLetterDelivery("points-svc", "handler-failed", "boom", 16));
        assertThat(decide(state(MessageStatus.ROLLED_BACK), new MessageInput.Republish("redrive")).verdict())
                .isInstanceOf(Verdict.Refused.class);
        MessageDecision republished = decide(state(MessageStatus.DELIVERED), new MessageInput.Republish("redrive"));
        assertThat(republished.effects()).containsExactly(new Effect.Publish());
        assertThat(apply(state(MessageStatus.DELIVERED), republished).status()).isEqualTo(MessageStatus.DELIVERED);
    }

    /** Every input in every status: the status change, if any, is one the table declares; refusals change nothing. */
    @Test
    void everyDecisionStaysInsideTheTransitionTable() {
        List<MessageInput> inputs = new ArrayList<>(List.of(new MessageInput.Commit(Actor.PRODUCER),
                new MessageInput.Rollback(Actor.OPERATOR), new MessageInput.Published(),
                new MessageInput.DeliveryFailure("c", "r", 1, "d"), new MessageInput.Republish("r")));
        for (CheckAnswer answer : CheckAnswer.values()) {
            inputs.add(new MessageInput.Checked(answer, Optional.empty()));
        }
        for (MessageStatus status : MessageStatus.values()) {
            for (int checks = 0; checks < MAX_CHECKS; checks++) {
                MessageState before = new MessageState(status, checks);
                for (MessageInput input : inputs) {
                    MessageDecision d = decide(before, input);
                    MessageState after = apply(before, d);
                    assertThat(before.status().canBecome(after.status()))
                            .as("%s --%s--> %s", before, input, after).isTrue();
                    if (!(d.verdict() instanceof Verdict.Applied)) {
                        assertThat(d.events()).isEmpty();
                        assertThat(d.effects()).isEmpty();
                    }
                    if (d.effects().contains(new Effect.Publish())) {
                        assertThat(after.status().committed()).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void replayOfAHistoryGivesTheStateItWasWrittenWith() {
        List<MessageEvent> history = List.of(new MessagePrepared("k"),
                new CheckBackAnswered(1, CheckAnswer.UNKNOWN, Optional.empty()),
                new CheckBackAnswered(2, CheckAnswer.COMMITTED, Optional.empty()),
                new MessageCommitted(Actor.CHECK_BACK, "t"), new MessageEvent.MessageDelivered("t"));
        assertThat(MessageState.replay(history)).isEqualTo(new MessageState(MessageStatus.DELIVERED, 2));
    }

    /** docs/messages.md carries the diagram rendered from the table; a change to the table shows in review. */
    @Test
    void documentedDiagramMatchesTheTransitionTable() throws Exception {
        assertThat(Files.readString(Path.of("../docs/messages.md"))).contains(MessageStatus.renderMermaid());
    }

    private static MessageState apply(MessageState state, MessageDecision d) {
        for (MessageEvent e : d.events()) {
            state = state.apply(e);
        }
        return state;
    }
}
