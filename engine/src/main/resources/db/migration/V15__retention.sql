-- Data lifecycle (issue 14, item 4): what the retention sweeper looks for, and flows that were undeployed.

-- Finished things by the time they finished, so a sweep reads only what is due (partial: running rows are not in it).
CREATE INDEX saga_finished ON saga (updated_at) WHERE status IN ('COMPLETED', 'COMPENSATED');
CREATE INDEX message_finished ON message (updated_at) WHERE status IN ('DELIVERED', 'ROLLED_BACK');
CREATE INDEX notification_finished ON notification (updated_at) WHERE status IN ('DELIVERED', 'GAVE_UP');
CREATE INDEX dead_letter_settled ON dead_letter (updated_at) WHERE status IN ('REDRIVEN', 'RESOLVED');
CREATE INDEX dead_letter_redrive_letter ON dead_letter_redrive (dead_letter_id);

-- DELETE /api/flows/{name}: no new saga, message or notification starts on it; every version stays readable for
-- the instances that ran on it. Deploying a version again clears the mark.
ALTER TABLE flow ADD COLUMN undeployed_at timestamptz;
