package io.sagaflow.connectors.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * One holder at a time among all engine nodes: the node holding a PostgreSQL advisory lock, taken on a connection
 * of its own (never from a pool). The lock lives as long as that session, so when its holder dies (the kernel
 * closes a killed process's socket, PostgreSQL ends the session) another node takes it within one {@code check}.
 * A frozen, not dead, node keeps its session and so the lock: two holders never run at once.
 *
 * <p>Used by the outbox relay (one relay per slot) and by each CacheSync (one owner per sync).
 */
public final class Leadership {

    /** What the holder does. Both run on the leadership thread. */
    public interface Role {
        /** The lock was just taken; {@code lockConnection} is the session holding it (for work that proves it). */
        void acquired(Connection lockConnection) throws Exception;

        /** The lock is being given up (stop, a lost lock connection, a failure): stop the work. */
        void lost();
    }

    /** Opens a new JDBC connection to the database holding the lock. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final String lockName;
    private final String what;
    private final Connector connector;
    private final Duration check;
    private final Role role;
    private Thread thread;
    private Connection lockConnection;
    private volatile boolean running;
    private volatile boolean held;

    /**
     * @param lockName  the advisory lock's name (hashed to the lock key): one name per thing to lead
     * @param what      what is led, for the log ("the outbox relay (slot x)")
     * @param check     how often the holder checks its session and a stand-by tries to take the lock
     */
    public Leadership(String lockName, String what, Connector connector, Duration check, Role role) {
        this.lockName = Objects.requireNonNull(lockName, "lockName");
        this.what = Objects.requireNonNull(what, "what");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.check = Objects.requireNonNull(check, "check");
        this.role = Objects.requireNonNull(role, "role");
    }

    /** Starts trying to lead, on a daemon thread of its own. */
    public synchronized void start(String threadName) {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Gives up the lock (if held) and stops trying; waits up to {@code wait} for the role to stop. */
    public synchronized void stop(Duration wait) {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while this node holds the lock. */
    public boolean held() {
        return held;
    }

    private void loop() {
        while (running) {
            try {
                if (!held) {
                    tryToLead();
                } else if (!lockConnectionAlive()) {
                    LOG.warnf("lost the lock connection of %s; stopping it here", what);
                    resign();
                }
                Thread.sleep(check.toMillis());
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                LOG.warnf("leadership check of %s failed: %s", what, e.getMessage());
                resign();
                try {
                    Thread.sleep(check.toMillis());
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        Thread.interrupted();   // stopping: let the role close cleanly
        resign();
    }

    private void tryToLead() throws Exception {
        if (lockConnection == null || lockConnection.isClosed()) {
            lockConnection = connector.connect();
        }
        try (PreparedStatement st = lockConnection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            st.setString(1, lockName);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            }
        }
        held = true;
        LOG.infof("this node leads %s", what);
        role.acquired(lockConnection);
    }

    private boolean lockConnectionAlive() {
        try {
            return lockConnection != null && lockConnection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private void resign() {
        boolean was = held;
        held = false;
        role.lost();
        if (lockConnection != null) {
            try {
                lockConnection.close();   // ends the session, which releases the advisory lock
            } catch (SQLException ignored) {
                // already gone
            }
            lockConnection = null;
        }
        if (was) {
            LOG.infof("this node no longer leads %s", what);
        }
    }
}
