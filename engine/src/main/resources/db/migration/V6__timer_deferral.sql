-- A step-timeout timer is deferred while its saga's reply partition has no live owner (a node died and Kafka has not
-- moved its partitions yet): the reply may be sitting unread. deferred_from is the timer's first due time, which
-- bounds the deferral.
ALTER TABLE saga_timer ADD COLUMN deferred_from timestamptz;
