package io.sagaflow.engine.internal;

import java.util.Set;

/**
 * Tells a failure that goes away by itself (the database restarting, a lost connection, a deadlock, a timeout)
 * from one that will happen again on every try (a poison input). Only the second may ever be dead-lettered.
 */
public final class Transient {

    /** SQLSTATE classes and codes of failures that a retry can outlive. */
    private static final Set<String> TRANSIENT_STATES = Set.of("08", "53", "57", "58", "40001", "40P01", "55P03");

    private Transient() {
    }

    /**
     * True when {@code failure} (or a cause) is one a retry can outlive: decided by exception types and SQLSTATE
     * classes only, never by the words of a message. Transient: no connection or a lost one (socket errors, the
     * Vert.x client's closed-connection and no-stack-trace connection failures), a timeout, and SQLSTATE classes 08
     * (connection exception), 53 (insufficient resources), 57 (operator intervention: admin shutdown, crash shutdown,
     * cannot connect now), 58 (system error) and codes 40001 (serialization failure), 40P01 (deadlock) and 55P03 (lock
     * not available). Everything else (a constraint violation, bad data, a bug) will fail again.
     */
    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException   // ConnectException, Netty's connect and channel exceptions
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException
                    || t instanceof io.vertx.core.impl.NoStackTraceThrowable
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                if (TRANSIENT_STATES.contains(state) || TRANSIENT_STATES.contains(state.substring(0, 2))) {
                    return true;
                }
            }
        }
        return false;
    }
}
