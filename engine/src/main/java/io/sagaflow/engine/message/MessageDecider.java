package io.sagaflow.engine.message;

import io.sagaflow.dsl.model.MessageFlow;
import io.sagaflow.engine.message.MessageDecision.Effect;
import io.sagaflow.engine.message.MessageEvent.CheckBackAnswered;
import io.sagaflow.engine.message.MessageEvent.DeliveryFailed;
import io.sagaflow.engine.message.MessageEvent.MessageCommitted;
import io.sagaflow.engine.message.MessageEvent.MessageDelivered;
import io.sagaflow.engine.message.MessageEvent.MessagePrepared;
import io.sagaflow.engine.message.MessageEvent.MessageRepublished;
import io.sagaflow.engine.message.MessageEvent.MessageRolledBack;
import io.sagaflow.engine.message.MessageEvent.MessageUndecided;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of a reliable message, as a pure function: {@code (flow, state, input, now) -> events and effects}. No
 * I/O and no clock: {@code MessageStore} runs it inside the transaction that holds the message's row lock and
 * carries out what it returns. Duplicates and late inputs are normal (a second commit, a check-back answer arriving
 * after the producer committed): they are answered with {@link MessageDecision.Verdict.AlreadyDone}, never an
 * exception; contradictions (commit after rollback) with {@link MessageDecision.Verdict.Refused}.
 */
public final class MessageDecider {

    /** Dead-letter reason of a message whose check-backs all answered UNKNOWN. */
    public static final String UNDECIDED_REASON = "undecided";

    private MessageDecider() {
    }

    /** A new message: prepared, first check-back {@code after} from now. */
    public static MessageDecision prepare(MessageFlow flow, String key, Instant now) {
        return MessageDecision.applied(List.of(new MessagePrepared(key)),
                List.of(new Effect.ScheduleCheck(now.plus(flow.checkBack().after()))));
    }

    /** What {@code input} does to a message in {@code state}. */
    public static MessageDecision decide(MessageFlow flow, MessageState state, MessageInput input, Instant now) {
        MessageStatus status = state.status();
        if (input instanceof MessageInput.Commit commit) {
            return commit(flow, status, commit.by(), commit.principal(), List.of());
        }
        if (input instanceof MessageInput.Rollback rollback) {
            return rollback(status, rollback.by(), rollback.principal(), List.of());
        }
        if (input instanceof MessageInput.Checked checked) {
            return checked(flow, state, checked, now);
        }
        if (input instanceof MessageInput.Published) {
            if (status == MessageStatus.COMMITTED) {
                return MessageDecision.applied(List.of(new MessageDelivered(flow.topic())), List.of());
            }
            if (status == MessageStatus.DELIVERED) {
                return MessageDecision.alreadyDone("already delivered (a re-publication)");
            }
            return MessageDecision.refused("the message is " + status + ", it cannot have been published");
        }
        if (input instanceof MessageInput.DeliveryFailure failure) {
            if (!status.committed()) {
                return MessageDecision.refused("the message is " + status + " and was never published, so no consumer "
                        + "can have failed to process it");
            }
            return MessageDecision.applied(List.of(new DeliveryFailed(failure.consumer(), failure.reason(),
                    failure.attempts(), failure.detail())), List.of(new Effect.DeadLetterDelivery(failure.consumer(),
                    failure.reason(), failure.detail(), failure.attempts())));
        }
        if (input instanceof MessageInput.Republish republish) {
            if (!status.committed()) {
                return MessageDecision.refused("the message is " + status + "; only a committed message is published");
            }
            return MessageDecision.applied(List.of(new MessageRepublished(flow.topic(), republish.reason())),
                    List.of(new Effect.Publish()));
        }
        throw new IllegalArgumentException("unknown input " + input);
    }

    private static MessageDecision commit(MessageFlow flow, MessageStatus status, Actor by, Optional<String> principal,
                                          List<MessageEvent> before) {
        if (status.committed()) {
            return MessageDecision.alreadyDone("already committed (" + status + ")");
        }
        if (status == MessageStatus.ROLLED_BACK) {
            return MessageDecision.refused("the message was rolled back; it cannot be committed");
        }
        List<MessageEvent> events = new ArrayList<>(before);
        events.add(new MessageCommitted(by, flow.topic(), principal));
        List<Effect> effects = new ArrayList<>(List.of(new Effect.Publish(), new Effect.StopChecks()));
        if (status == MessageStatus.UNDECIDED) {
            effects.add(new Effect.SettleDeadLetter("committed by " + by.name().toLowerCase()));
        }
        return MessageDecision.applied(events, effects);
    }

    private static MessageDecision rollback(MessageStatus status, Actor by, Optional<String> principal,
                                            List<MessageEvent> before) {
        if (status == MessageStatus.ROLLED_BACK) {
            return MessageDecision.alreadyDone("already rolled back");
        }
        if (status.committed()) {
            return MessageDecision.refused("the message was committed (" + status + "); it cannot be rolled back");
        }
        List<MessageEvent> events = new ArrayList<>(before);
        events.add(new MessageRolledBack(by, principal));
        List<Effect> effects = new ArrayList<>(List.of(new Effect.StopChecks()));
        if (status == MessageStatus.UNDECIDED) {
            effects.add(new Effect.SettleDeadLetter("rolled back by " + by.name().toLowerCase()));
        }
        return MessageDecision.applied(events, effects);
    }

    private static MessageDecision checked(MessageFlow flow, MessageState state, MessageInput.Checked checked,
                                           Instant now) {
        if (state.status() != MessageStatus.PREPARED) {
            // The producer decided while the check-back was in flight: its decision stands.
            return MessageDecision.alreadyDone("check-back answer ignored: the message is already " + state.status());
        }
        int check = state.checks() + 1;
        CheckBackAnswered answered = new CheckBackAnswered(check, checked.answer(), checked.detail());
        switch (checked.answer()) {
            case COMMITTED:
                return commit(flow, state.status(), Actor.CHECK_BACK, Optional.empty(), List.of(answered));
            case ROLLED_BACK:
                return rollback(state.status(), Actor.CHECK_BACK, Optional.empty(), List.of(answered));
            default:
                if (check >= flow.checkBack().maxChecks()) {
                    String detail = check + " check-backs of " + flow.checkBack().url() + " gave no decision (last: "
                            + checked.answer() + checked.detail().map(d -> ", " + d).orElse("") + ")";
                    return MessageDecision.applied(List.of(answered, new MessageUndecided(check)),
                            List.of(new Effect.StopChecks(), new Effect.DeadLetterUndecided(UNDECIDED_REASON, detail)));
                }
                return MessageDecision.applied(List.of(answered),
                        List.of(new Effect.ScheduleCheck(now.plus(flow.checkBack().every()))));
        }
    }
}
