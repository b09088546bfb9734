-- The reliable-message producer's record of its local transactions (docs/participants.md): written with the
-- local transaction (COMMITTED) or by a check-back that found none (ROLLED_BACK). The primary key decides which
-- came first, so a message is never judged rolled back and then committed.
CREATE TABLE IF NOT EXISTS sagaflow_message_status (
    message_id text        PRIMARY KEY,
    status     text        NOT NULL,  -- COMMITTED or ROLLED_BACK
    at         timestamptz NOT NULL DEFAULT now()
);
