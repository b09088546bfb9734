-- The participant's local message table (docs/participants.md), relayed to Kafka by CDC. Column names are
-- Debezium EventRouter's. Rows are deleted in the transaction that inserts them: the publication carries
-- inserts only, so the relay sees every message while the table stays empty.
CREATE TABLE IF NOT EXISTS sagaflow_local_outbox (
    id            uuid  PRIMARY KEY,
    aggregatetype text  NOT NULL,  -- the Kafka topic
    aggregateid   text  NOT NULL,  -- the record key
    type          text  NOT NULL,
    payload       jsonb,
    headers       jsonb NOT NULL DEFAULT '{}'  -- extra Kafka headers, name -> value
);
