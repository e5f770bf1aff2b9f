-- Capacity requests to partners (issue 5): every state change of every request, appended, never
-- updated. A request's latest state is its row with the highest `seq`; `request` holds the whole
-- request as JSON (the contract of server/alerts/contract.ts), the other columns are for queries.
CREATE TABLE IF NOT EXISTS {db}.capacity_request_changes (
  request_id String,
  seq UInt32,
  at Int64,
  change String,
  state String,
  queue String,
  partner String,
  alert_id String,
  created_at Int64,
  request String
) ENGINE = MergeTree ORDER BY (created_at, request_id, seq);
