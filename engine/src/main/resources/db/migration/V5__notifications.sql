-- Best-effort notifications (SPEC §3.3). The table is the whole state of delivery: a restart, or another node,
-- continues every schedule from here. V4 is reserved for reliable messages.
CREATE TABLE notification (
    id               uuid        PRIMARY KEY,
    flow             text        NOT NULL,
    flow_version     integer     NOT NULL,
    payload          jsonb       NOT NULL,
    status           text        NOT NULL,  -- PENDING | DELIVERED | GAVE_UP
    attempts         integer     NOT NULL DEFAULT 0,  -- attempts ever started; attempt numbers never repeat
    schedule_base    integer     NOT NULL DEFAULT 0,  -- attempts that do not count against the current schedule
                                                       -- (before a resend, or voided by an expired lease)
    in_flight        boolean     NOT NULL DEFAULT false,  -- the latest attempt is claimed and has no outcome yet
    next_attempt_at  timestamptz,            -- due time while PENDING (during an attempt: the end of its lease)
    idempotency_key  text        UNIQUE,
    request_sha256   text        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX notification_due ON notification (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notification_created ON notification (created_at DESC, id DESC);

-- Every attempt, for the receiver's query-back and the operator: when, what came back, how long it took.
CREATE TABLE notification_attempt (
    notification_id  uuid        NOT NULL REFERENCES notification (id),
    attempt          integer     NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    http_status      integer,
    latency_ms       bigint,
    error            text,
    PRIMARY KEY (notification_id, attempt)
);

-- One token bucket per target URL, shared by every engine node (taken in the claim transaction).
CREATE TABLE notification_rate (
    target       text             PRIMARY KEY,
    tokens       double precision NOT NULL,
    refilled_at  timestamptz      NOT NULL
);
