package io.sagaflow.engine.notification;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Every status change a notification may make, declared once as data, each with the {@link Delivery} rule that
 * makes it. {@link Delivery} checks every change it decides against this table; {@code NotificationTransitionsTest}
 * shows that the rules reach every row and renders the table into {@code docs/notifications.md}.
 *
 * <p>Unlike the saga's and the message's tables, a change is named by its rule and PENDING -> PENDING is declared:
 * a notification spends most of its life PENDING, and what moves it on (a claim, a failed attempt) is what a reader
 * needs to see. A refusal changes nothing and needs no row.
 */
public final class NotificationTransitions {

    /** The rule of {@link Delivery} that makes a change. */
    public enum Rule {
        /** {@link Delivery#claim}: an attempt starts. */
        CLAIM,
        /** {@link Delivery#answer}: an attempt's outcome is recorded. */
        ANSWER,
        /** {@link Delivery#resend}: an operator, a redrive or the sender asks for a fresh schedule. */
        RESEND;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One allowed change.
     *
     * @param when in a few words, when the rule makes this change (the diagram labels its arrow {@code rule (when)})
     */
    public record Transition(NotificationStatus from, Rule rule, NotificationStatus to, String when) {
        public Transition {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(when, "when");
        }
    }

    /** The table, in the order the diagram draws it. */
    public static final List<Transition> ALL = List.of(
            new Transition(NotificationStatus.PENDING, Rule.CLAIM, NotificationStatus.PENDING,
                    "due, the attempt starts under a lease"),
            new Transition(NotificationStatus.PENDING, Rule.ANSWER, NotificationStatus.PENDING,
                    "failed, schedule left"),
            new Transition(NotificationStatus.PENDING, Rule.ANSWER, NotificationStatus.DELIVERED,
                    "success status, also after the lease"),
            new Transition(NotificationStatus.PENDING, Rule.ANSWER, NotificationStatus.GAVE_UP,
                    "failed, schedule spent"),
            // Both ends are settled but not final: a resend (or a redrive of the dead letter) starts a fresh
            // schedule, and attempt numbers go on.
            new Transition(NotificationStatus.DELIVERED, Rule.RESEND, NotificationStatus.PENDING,
                    "fresh schedule, attempt numbers go on"),
            new Transition(NotificationStatus.GAVE_UP, Rule.RESEND, NotificationStatus.PENDING,
                    "also by a redrive of its dead letter"));

    private NotificationTransitions() {
    }

    /** Whether {@code rule} may change a notification from {@code from} to {@code to}. */
    public static boolean allowed(NotificationStatus from, Rule rule, NotificationStatus to) {
        return ALL.stream().anyMatch(t -> t.from() == from && t.rule() == rule && t.to() == to);
    }

    /** The table as a Mermaid state diagram; each arrow is labelled with its rule and when it applies. */
    public static String renderMermaid() {
        StringBuilder out = new StringBuilder("```mermaid\nstateDiagram-v2\n");
        out.append("    [*] --> PENDING : created, due at once\n");
        for (Transition t : ALL) {
            out.append("    ").append(t.from()).append(" --> ").append(t.to()).append(" : ").append(t.rule().label())
                    .append(" (").append(t.when()).append(")\n");
        }
        out.append("    note right of GAVE_UP : listed as a dead letter (source NOTIFICATION)\n```\n");
        return out.toString();
    }
}
