package io.sagaflow.engine.security;

import java.util.Locale;

/**
 * What a caller may do (docs/security.md). {@code admin} includes {@code operator}, which includes {@code viewer};
 * {@code starter} (participants and producers) stands apart: it starts sagas, messages and notifications of the
 * flows it names and settles its own messages.
 */
public enum Role {
    /** Reads everything. */
    VIEWER,
    /** Acts on running work: abort, retry, skip, redrive, resend, reconcile, commit or roll back a message. */
    OPERATOR,
    /** Changes what runs: deploys and undeploys flows, bulk actions. */
    ADMIN,
    /** A participant or producer: starts work of its flows. */
    STARTER;

    /** Whether holding this role grants {@code wanted}. */
    public boolean grants(Role wanted) {
        if (this == wanted) {
            return true;
        }
        return switch (this) {
            case ADMIN -> wanted == OPERATOR || wanted == VIEWER;
            case OPERATOR -> wanted == VIEWER;
            default -> false;
        };
    }

    /** The role named {@code name} (any case); {@code IllegalArgumentException} naming the valid ones otherwise. */
    public static Role of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + name + "'; roles are viewer, operator, admin, starter");
        }
    }

    /** The role as configured and shown: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
