package io.sagaflow.connectors.cachesync;

/** What GET /api/cache-syncs/{name} shows as {@code state} (docs/cache-sync.md). */
enum SyncState {
    /** Not running on this node. */
    STOPPED,
    /** Another node owns the sync; this one stands by for its lock. */
    STANDBY,
    /** This node owns it; its connector is starting. */
    STARTING,
    /** Reading the table's initial snapshot. */
    SNAPSHOT,
    /** Streaming changes. */
    RUNNING,
    /** Redis does not accept a batch; retried, the offsets wait. */
    REDIS_DOWN,
    /** The connector stopped on its own and is about to be started again. */
    RESTARTING
}
