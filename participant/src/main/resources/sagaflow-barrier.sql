-- The participant SDK's sub-transaction barrier (docs/participants.md). One row per (saga, branch, operation);
-- the primary key is what makes duplicates, empty compensations and hanging actions harmless.
CREATE TABLE IF NOT EXISTS sagaflow_barrier (
    saga_id    text        NOT NULL,
    branch     text        NOT NULL,  -- the step, plus ':n' for an operator's re-run n >= 2
    op         text        NOT NULL,  -- action, compensation, try, confirm, cancel
    outcome    text        NOT NULL,  -- SUCCESS, FAILURE, or BLOCKED (written by the undo of an op that never ran)
    output     text,                  -- the output JSON, or {code, message} of a FAILURE
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_id, branch, op)
);
