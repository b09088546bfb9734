-- Tracing (docs/tracing.md): the W3C traceparent of the span that sent an outbox row (a step attempt's), relayed as
-- the record header traceparent, and of a saga's start, the parent of decisions no reply caused (timers, operators).
-- NULL when tracing is off.
ALTER TABLE sagaflow_outbox ADD COLUMN traceparent text;
ALTER TABLE saga ADD COLUMN traceparent text;
