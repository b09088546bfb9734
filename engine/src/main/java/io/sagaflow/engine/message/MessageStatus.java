package io.sagaflow.engine.message;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a reliable message (SPEC §3.2). Every status change is declared once, in {@link #TRANSITIONS};
 * {@code MessageDeciderTest} checks that the decider stays inside it and renders it to docs/messages.md.
 */
public enum MessageStatus {
    /** Prepared by the producer; its local transaction is running or its decision was not heard yet. */
    PREPARED,
    /** Committed: written to the outbox for its topic, not yet acknowledged by Kafka. */
    COMMITTED,
    /** Published to its topic (Kafka acknowledged it). */
    DELIVERED,
    /** Rolled back: never published. */
    ROLLED_BACK,
    /** Every check-back answered UNKNOWN: kept, dead-lettered, waiting for an operator's commit or rollback. */
    UNDECIDED;

    /** Allowed changes; a status not listed as a source is final. */
    public static final Map<MessageStatus, Set<MessageStatus>> TRANSITIONS = new EnumMap<>(MessageStatus.class);

    static {
        TRANSITIONS.put(PREPARED, EnumSet.of(COMMITTED, ROLLED_BACK, UNDECIDED));
        TRANSITIONS.put(COMMITTED, EnumSet.of(DELIVERED));
        TRANSITIONS.put(DELIVERED, EnumSet.noneOf(MessageStatus.class));
        TRANSITIONS.put(ROLLED_BACK, EnumSet.noneOf(MessageStatus.class));
        // Only an operator (directly or by redriving the dead letter) decides an UNDECIDED message.
        TRANSITIONS.put(UNDECIDED, EnumSet.of(COMMITTED, ROLLED_BACK));
    }

    /** Whether {@code this -> to} is a declared change (staying put is always allowed). */
    public boolean canBecome(MessageStatus to) {
        return this == to || TRANSITIONS.get(this).contains(to);
    }

    /** Committed in the producer's sense: published or on its way. */
    public boolean committed() {
        return this == COMMITTED || this == DELIVERED;
    }

    /** The table as a Mermaid state diagram. */
    public static String renderMermaid() {
        StringBuilder out = new StringBuilder("```mermaid\nstateDiagram-v2\n    [*] --> PREPARED\n");
        TRANSITIONS.forEach((from, tos) -> tos.forEach(to -> out.append("    ").append(from).append(" --> ")
                .append(to).append('\n')));
        out.append("    DELIVERED --> [*]\n    ROLLED_BACK --> [*]\n```\n");
        return out.toString();
    }
}
