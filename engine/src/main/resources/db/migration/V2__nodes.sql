-- Engine nodes and their heartbeats; what each holds is refreshed with every heartbeat.
CREATE TABLE engine_node (
    id           text        PRIMARY KEY,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    holds        jsonb       NOT NULL DEFAULT '{}'
);
