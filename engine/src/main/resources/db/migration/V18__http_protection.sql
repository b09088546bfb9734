-- Protecting HTTP participants (docs/participants.md): the circuit breaker, bulkhead and rate limit of the command's
-- participant, relayed as the record header sagaflow-http-protection for the HTTP connector. NULL when the
-- participant declares none, and on every row that is not a command for an HTTP participant.
ALTER TABLE sagaflow_outbox ADD COLUMN http_protection text;
