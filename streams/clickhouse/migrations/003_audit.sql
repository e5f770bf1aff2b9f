-- The audit trail (SPEC section 10): one row per record, appended, never updated. `at` is
-- milliseconds since the epoch (as elsewhere: ClickHouse 18.16 has no DateTime64); `details` holds
-- the record's details as JSON (contracts/audit.ts), the other columns are for queries. A retried
-- insert may store a record twice: reads keep one row per `id` (LIMIT 1 BY id).
CREATE TABLE IF NOT EXISTS {db}.audit_log (
  id String,
  at Int64,
  actor String,
  role String,
  action String,
  target String,
  details String
) ENGINE = MergeTree ORDER BY (at, id);
