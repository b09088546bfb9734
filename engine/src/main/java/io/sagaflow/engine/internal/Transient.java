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

    /** True when {@code failure} (or a cause) is one a retry can outlive. */
    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.io.IOException
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
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("connection") || message.contains("pool")) {
                return true;
            }
        }
        return false;
    }
}
