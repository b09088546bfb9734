-- The dashboard's saga list (issue 11): filters and the search box answered by indexes.

-- Search by a value in the input: input @> '{"orderId": "o-1"}'. jsonb_path_ops: containment only, small and fast.
CREATE INDEX saga_input ON saga USING gin (input jsonb_path_ops);
-- Filter by flow (and version), newest first, keyset-paged.
CREATE INDEX saga_flow_created ON saga (flow, flow_version, created_at DESC, id DESC);
-- The overview's failures per minute.
CREATE INDEX saga_failed ON saga (updated_at) WHERE status = 'FAILED';
