-- Reliable two-phase messages (kind: Message, SPEC §3.2). `message` is the projection of `message_event`, written
-- in the transaction of its events; every state change appends an event in the transaction of its outbox rows and
-- dead letters.
CREATE TABLE message (
    id              uuid        PRIMARY KEY,
    flow            text        NOT NULL,
    flow_version    integer     NOT NULL,
    topic           text        NOT NULL,  -- the flow's topic when prepared (a flow version is immutable)
    key             text        NOT NULL,  -- the Kafka record key
    payload         jsonb       NOT NULL,
    status          text        NOT NULL,  -- PREPARED | COMMITTED | DELIVERED | ROLLED_BACK | UNDECIDED
    checks          integer     NOT NULL DEFAULT 0,
    next_check_at   timestamptz,           -- set only while PREPARED; pushed forward by the claim (the lease)
    idempotency_key text        UNIQUE,
    request_sha256  text        NOT NULL,
    last_seq        bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX message_created ON message (created_at DESC, id DESC);
CREATE INDEX message_status_created ON message (status, created_at DESC);
-- What the check-back poller scans: only PREPARED messages, by due time.
CREATE INDEX message_check_due ON message (next_check_at) WHERE status = 'PREPARED';

-- The message's history: append-only, one gap-free sequence per message. The primary key is the optimistic lock.
CREATE TABLE message_event (
    message_id uuid        NOT NULL REFERENCES message (id),
    seq        bigint      NOT NULL,
    type       text        NOT NULL,
    data       jsonb       NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (message_id, seq)
);
