-- Deployed flow documents; a version is immutable once deployed.
CREATE TABLE flow (
    name           text        NOT NULL,
    version        integer     NOT NULL,
    kind           text        NOT NULL,
    content        text        NOT NULL,
    content_sha256 text        NOT NULL,
    deployed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

-- The event store: append-only, one gap-free sequence per saga. The primary key is the optimistic lock.
CREATE TABLE saga_event (
    saga_id     uuid        NOT NULL,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    data        jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (saga_id, seq)
);

-- Projection of each saga for queries, written in the transaction of its events.
CREATE TABLE saga (
    id              uuid        PRIMARY KEY,
    flow            text        NOT NULL,
    flow_version    integer     NOT NULL,
    status          text        NOT NULL,
    input           jsonb       NOT NULL,
    output          jsonb,
    error           text,
    steps           jsonb       NOT NULL DEFAULT '[]',
    idempotency_key text        UNIQUE,
    request_sha256  text        NOT NULL,
    last_seq        bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX saga_created ON saga (created_at DESC, id DESC);
CREATE INDEX saga_status_created ON saga (status, created_at DESC);

-- Durable timers: retries after a backoff and step timeouts. Claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE saga_timer (
    saga_id uuid        NOT NULL,
    type    text        NOT NULL,
    step    text        NOT NULL,
    kind    text        NOT NULL,
    run     integer     NOT NULL,
    attempt integer     NOT NULL,
    due_at  timestamptz NOT NULL,
    PRIMARY KEY (saga_id, type, step, kind, run, attempt)
);
CREATE INDEX saga_timer_due ON saga_timer (due_at);

-- The transactional outbox, relayed to Kafka by Debezium's EventRouter. Columns id, aggregatetype,
-- aggregateid, type and payload carry the router's default names; the others become sagaflow-* headers.
-- Rows are deleted in the transaction that inserts them: the WAL keeps the insert for the relay.
CREATE TABLE sagaflow_outbox (
    id              uuid   PRIMARY KEY,
    aggregatetype   text   NOT NULL,  -- the Kafka topic
    aggregateid     text   NOT NULL,  -- the saga id, also the record key
    type            text   NOT NULL,  -- the command
    payload         jsonb,
    step            text   NOT NULL,
    kind            text   NOT NULL,
    idempotency_key text   NOT NULL,
    reply_to        text   NOT NULL,
    http_url        text,
    http_timeout_ms bigint
);
