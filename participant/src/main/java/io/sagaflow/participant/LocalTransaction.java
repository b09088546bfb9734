package io.sagaflow.participant;

import java.sql.Connection;

/** The producer's local work, run in the transaction that also records the message as COMMITTED. */
@FunctionalInterface
public interface LocalTransaction {

    /** Does the local work on {@code tx}; must not commit or roll it back. */
    void run(Connection tx) throws Exception;
}
