package io.sagaflow.engine.message;


import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link MessageDecider#decide} wants done for one input: append {@code events} and carry out {@code effects},
 * all in one transaction. An input that changes nothing says why in {@code verdict}.
 */
public record MessageDecision(List<MessageEvent> events, List<Effect> effects, Verdict verdict) {

    public MessageDecision {
        events = List.copyOf(events);
        effects = List.copyOf(effects);
    }

    /** Whether the input was applied, was already true, or contradicts what was decided before. */
    public sealed interface Verdict {
        /** The input changed the message. */
        record Applied() implements Verdict {
        }

        /** The input was already true (a second commit of a committed message): nothing to do. */
        record AlreadyDone(String reason) implements Verdict {
        }

        /** The input contradicts the message's state (a commit after a rollback): refused, nothing changes. */
        record Refused(String reason) implements Verdict {
        }
    }

    /** An effect carried out in the transaction of the events. */
    public sealed interface Effect {
        /** Write the message to the outbox for its topic, with the message id as the outbox row id. */
        record Publish() implements Effect {
        }

        /** Set the time of the next check-back. */
        record ScheduleCheck(Instant at) implements Effect {
        }

        /** No more check-backs. */
        record StopChecks() implements Effect {
        }

        /** Record a dead letter of source MESSAGE with this reason. */
        record DeadLetterUndecided(String reason, String detail) implements Effect {
        }

        /** Record a dead letter of source MESSAGE_DELIVERY for {@code consumer} (origin {@code {id}:{consumer}}). */
        record DeadLetterDelivery(String consumer, String reason, String detail, int attempts) implements Effect {
        }

        /** The message was decided: settle its MESSAGE dead letter, if any, with {@code how}. */
        record SettleDeadLetter(String how) implements Effect {
        }
    }

    static MessageDecision applied(List<MessageEvent> events, List<Effect> effects) {
        return new MessageDecision(events, effects, new Verdict.Applied());
    }

    static MessageDecision alreadyDone(String reason) {
        return new MessageDecision(List.of(), List.of(), new Verdict.AlreadyDone(reason));
    }

    static MessageDecision refused(String reason) {
        return new MessageDecision(List.of(), List.of(), new Verdict.Refused(reason));
    }

    /** The reason an input changed nothing, if it did. */
    public Optional<String> rejection() {
        if (verdict instanceof Verdict.AlreadyDone a) {
            return Optional.of(a.reason());
        }
        if (verdict instanceof Verdict.Refused r) {
            return Optional.of(r.reason());
        }
        return Optional.empty();
    }
}
