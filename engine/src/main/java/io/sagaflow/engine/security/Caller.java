package io.sagaflow.engine.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: the name the audit records, the roles, and for a starter the flows it may start.
 *
 * @param flows for a starter, the flows it names; empty: it may start none
 */
public record Caller(String name, Set<Role> roles, Set<String> flows) {

    /** Everyone, when security is off. */
    public static final Caller ANONYMOUS = new Caller("anonymous", Set.of(Role.ADMIN, Role.STARTER), Set.of("*"));

    public Caller {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
        flows = Set.copyOf(flows);
    }

    /** Whether one of the caller's roles grants {@code wanted}. */
    public boolean has(Role wanted) {
        return roles.stream().anyMatch(r -> r.grants(wanted));
    }

    /** Whether the caller may start work of {@code flow}: an admin may start any; a starter those it names. */
    public boolean mayStart(String flow) {
        return has(Role.ADMIN) || has(Role.STARTER) && (flows.contains("*") || flows.contains(flow));
    }
}
