-- The ingest path: the stream worker writes one INSERT per batch into `ingest` (engine Null: it
-- keeps nothing), and materialized views route each kind of row to its table. One INSERT carries
-- a batch's raw events together with every aggregate change they cause, so a batch is stored
-- whole or not at all, and a replayed batch is recognised by its event ids.
-- kind: 1 raw event, 2 task state, 3 open count, 4 waiting task, 5 window fact, 6 minute counts,
-- 7 staffing.
CREATE TABLE IF NOT EXISTS {db}.ingest (
  kind UInt8,
  event_id String,
  type String,
  task_id String,
  queue String,
  team String,
  at Int64,
  wait_ms Int64,
  fact UInt8,
  started UInt8,
  n Int64,
  agents UInt32,
  priority UInt8,
  arrivals Int64,
  completions Int64,
  leaves Int64,
  created_at Nullable(Int64),
  created_by String,
  start_at Nullable(Int64),
  start_team String,
  started_by String,
  completed_at Nullable(Int64),
  cancelled_at Nullable(Int64),
  version UInt64
) ENGINE = Null;

-- The raw events, keyed by event id: what was taken, and the duplicate check.
CREATE TABLE IF NOT EXISTS {db}.events (
  event_id String,
  type String,
  task_id String,
  queue String,
  team String,
  occurred_at Int64,
  agents UInt32,
  priority UInt8,
  stored_at DateTime DEFAULT now()
) ENGINE = MergeTree ORDER BY event_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.events_mv TO {db}.events AS
  SELECT event_id, type, task_id, queue, team, at AS occurred_at, agents, priority, now() AS stored_at FROM {db}.ingest WHERE kind = 1;

-- What each task's metrics depend on (streams/task-state.ts), latest version per task.
CREATE TABLE IF NOT EXISTS {db}.task_state (
  task_id String,
  queue String,
  created_at Nullable(Int64),
  created_by String,
  start_at Nullable(Int64),
  start_team String,
  started_by String,
  completed_at Nullable(Int64),
  cancelled_at Nullable(Int64),
  version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY task_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.task_state_mv TO {db}.task_state AS
  SELECT task_id, queue, created_at, created_by, start_at, start_team, started_by, completed_at, cancelled_at, version
  FROM {db}.ingest WHERE kind = 2;

-- Open tasks counted per queue, team ('' for the queue) and started; summed on merge.
CREATE TABLE IF NOT EXISTS {db}.open_counts (
  queue String,
  team String,
  started UInt8,
  n Int64
) ENGINE = SummingMergeTree ORDER BY (queue, team, started);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.open_counts_mv TO {db}.open_counts AS
  SELECT queue, team, started, n FROM {db}.ingest WHERE kind = 3;

-- Waiting tasks by creation time; rows that sum to zero vanish on merge, so it stays as small as
-- the waiting line.
CREATE TABLE IF NOT EXISTS {db}.waiting (
  queue String,
  created_at Int64,
  n Int64
) ENGINE = SummingMergeTree ORDER BY (queue, created_at);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.waiting_mv TO {db}.waiting AS
  SELECT queue, at AS created_at, n FROM {db}.ingest WHERE kind = 4;

-- Arrivals (fact 1), completions (2) and first starts with their waits (3), per queue (team '')
-- and per team, by time: window and history queries read only the range they ask for.
CREATE TABLE IF NOT EXISTS {db}.window_facts (
  queue String,
  team String,
  fact UInt8,
  at Int64,
  wait_ms Int64,
  n Int64
) ENGINE = SummingMergeTree PARTITION BY intDiv(at, 86400000) ORDER BY (queue, team, fact, at, wait_ms);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.window_facts_mv TO {db}.window_facts AS
  SELECT queue, team, fact, at, wait_ms, n FROM {db}.ingest WHERE kind = 5;

-- Per-minute counts of one queue for the history (minute = floor(ms / 60000)).
CREATE TABLE IF NOT EXISTS {db}.minute_counts (
  queue String,
  minute Int64,
  arrivals Int64,
  completions Int64,
  leaves Int64
) ENGINE = SummingMergeTree ORDER BY (queue, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.minute_counts_mv TO {db}.minute_counts AS
  SELECT queue, at AS minute, arrivals, completions, leaves FROM {db}.ingest WHERE kind = 6;

-- The latest staffing.updated per queue and team (latest occurred_at, then the larger event id).
CREATE TABLE IF NOT EXISTS {db}.staffing (
  queue String,
  team String,
  latest AggregateFunction(argMax, UInt32, Tuple(Int64, String))
) ENGINE = AggregatingMergeTree ORDER BY (queue, team);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.staffing_mv TO {db}.staffing AS
  SELECT queue, team, argMaxState(agents, tuple(at, event_id)) AS latest FROM {db}.ingest WHERE kind = 7 GROUP BY queue, team;
