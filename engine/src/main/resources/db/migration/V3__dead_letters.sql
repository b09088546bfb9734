-- The dead-letter store: everything the engine or a connector gave up on, kept until an operator redrives or
-- resolves it. This table is the source of truth; each change is mirrored to Kafka through the outbox.
CREATE TABLE dead_letter (
    id          uuid        PRIMARY KEY,
    source      text        NOT NULL,  -- REPLY | SAGA | MESSAGE | MESSAGE_DELIVERY | NOTIFICATION
    origin      text        NOT NULL,  -- what it is about: saga, message or notification id, or topic-partition@offset
    flow        text,
    reason      text        NOT NULL,  -- a short stable code, e.g. unreadable-reply, compensation-spent
    detail      text,
    payload     text,                  -- as received or sent; a poison record need not be JSON
    headers     jsonb       NOT NULL DEFAULT '{}',
    attempts    integer     NOT NULL DEFAULT 0,
    status      text        NOT NULL,  -- OPEN | REDRIVEN | RESOLVED
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
-- One open letter per thing: a second give-up while one is open updates it.
CREATE UNIQUE INDEX dead_letter_open_origin ON dead_letter (source, origin) WHERE status = 'OPEN';
CREATE INDEX dead_letter_created ON dead_letter (created_at DESC, id DESC);
CREATE INDEX dead_letter_status_source ON dead_letter (status, source, created_at DESC);

-- Every redrive, for the audit: who asked (Idempotency-Key), what, and what came of it.
CREATE TABLE dead_letter_redrive (
    id              uuid        PRIMARY KEY,
    dead_letter_id  uuid        NOT NULL REFERENCES dead_letter (id),
    requested_at    timestamptz NOT NULL,
    idempotency_key text,
    request         jsonb       NOT NULL DEFAULT '{}',
    outcome         text        NOT NULL,  -- ACCEPTED, then SUCCEEDED or FAILED_AGAIN when the origin settles
    detail          text,
    settled_at      timestamptz
);
CREATE UNIQUE INDEX dead_letter_redrive_key ON dead_letter_redrive (dead_letter_id, idempotency_key);
