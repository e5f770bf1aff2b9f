-- Owned partitions (issue 10): each stream worker keeps the task states of the Kafka partitions it
-- is assigned, so a batch needs no look-up whose cost grows with history. One INSERT per batch into
-- `ingest_v2` (engine Null) carries the raw events, the new task states, the open tasks' changes,
-- the aggregate changes, staffing and the highest offset written per partition; six materialized
-- views route them (seven before, and one table now holds every summed aggregate).
-- The columns are few and shared by the kinds of row (ClickHouse's parsing and the views' filters
-- cost per column of every row; 27 named columns took twice as long as these 13):
--   kind 1 raw event:   a event_id, b type, c task_id, queue, team, t1 at, t4 agents, t5 priority
--   kind 2 task state, 3 open task (+1), 5 open task cancelled (-1): a task_id, b created_by,
--     c started_by, queue, team = start_team, t1 created_at, t2 start_at, t3 completed_at,
--     t4 cancelled_at (-1: none), t5 version, t6 part, ids = event ids
--   kind 7 staffing:    a event_id, queue, team, t1 at, t4 agents
--   kind 8 offset:      a topic, t1 last offset, t6 part
--   kind 11-16 aggregate of fact 1-6 (below): queue, team, t1 at, t2 wait_ms, t3 n, t4 arrivals,
--     t5 completions, t6 leaves
-- `part` is the Kafka partition the row's task belongs to (65535: written before partitions were
-- recorded, see the end of this file).
CREATE TABLE IF NOT EXISTS {db}.ingest_v2 (
  kind UInt8,
  a String,
  b String,
  c String,
  queue String,
  team String,
  t1 Int64,
  t2 Int64,
  t3 Int64,
  t4 Int64,
  t5 Int64,
  t6 Int64,
  ids Array(String)
) ENGINE = Null;

-- Every task's state (streams/task-state.ts) and the ids of the events it has taken, latest version
-- per task; read only for tasks a worker does not hold (a closed task evicted from memory).
CREATE TABLE IF NOT EXISTS {db}.task_states (
  part UInt16,
  task_id String,
  queue String,
  created_at Nullable(Int64),
  created_by String,
  start_at Nullable(Int64),
  start_team String,
  started_by String,
  completed_at Nullable(Int64),
  cancelled_at Nullable(Int64),
  event_ids Array(String),
  version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (part, task_id) SETTINGS index_granularity = 1024;

-- The open tasks only: a state row (+1) is cancelled (-1) when the task changes or closes, so the
-- table stays as large as the backlog. A worker loads its partitions' open tasks from here when it
-- is assigned them.
CREATE TABLE IF NOT EXISTS {db}.open_tasks (
  part UInt16,
  task_id String,
  queue String,
  created_at Nullable(Int64),
  created_by String,
  start_at Nullable(Int64),
  start_team String,
  started_by String,
  completed_at Nullable(Int64),
  cancelled_at Nullable(Int64),
  event_ids Array(String),
  version UInt64,
  sign Int8
) ENGINE = CollapsingMergeTree(sign) ORDER BY (part, task_id);

-- Every summed aggregate, by `fact`: 1 arrivals, 2 completions, 3 first starts with their waits
-- (per queue, team '', and per team, by time: the window and history read the time range they ask
-- for, which the key puts right after the fact),
-- 4 open tasks (at = started 0/1), 5 waiting tasks (at = created_at), 6 minute counts of a queue
-- (at = minute since the epoch). Rows that sum to zero vanish on merge. Not partitioned: each
-- INSERT makes one part here, where a partition per fact and day made six to ten (measured: the
-- parts, not the rows, were most of what an INSERT cost).
CREATE TABLE IF NOT EXISTS {db}.aggregates (
  fact UInt8,
  queue String,
  team String,
  at Int64,
  wait_ms Int64,
  n Int64,
  arrivals Int64,
  completions Int64,
  leaves Int64
) ENGINE = SummingMergeTree((n, arrivals, completions, leaves))
  ORDER BY (fact, at, queue, team, wait_ms);

-- The highest offset written per partition, in the same INSERT as the batch: a batch read again
-- (after a crash before the commit to Kafka) is recognised by its offsets.
CREATE TABLE IF NOT EXISTS {db}.stream_offsets (
  topic String,
  part UInt16,
  last_offset Int64
) ENGINE = ReplacingMergeTree(last_offset) ORDER BY (topic, part);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.events_v2_mv TO {db}.events AS
  SELECT a AS event_id, b AS type, c AS task_id, queue, team, t1 AS occurred_at, toUInt32(t4) AS agents, toUInt8(t5) AS priority, now() AS stored_at
  FROM {db}.ingest_v2 WHERE kind = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.task_states_mv TO {db}.task_states AS
  SELECT toUInt16(t6) AS part, a AS task_id, queue, nullIf(t1, -1) AS created_at, b AS created_by, nullIf(t2, -1) AS start_at, team AS start_team,
    c AS started_by, nullIf(t3, -1) AS completed_at, nullIf(t4, -1) AS cancelled_at, ids AS event_ids, toUInt64(t5) AS version
  FROM {db}.ingest_v2 WHERE kind = 2;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.open_tasks_mv TO {db}.open_tasks AS
  SELECT toUInt16(t6) AS part, a AS task_id, queue, nullIf(t1, -1) AS created_at, b AS created_by, nullIf(t2, -1) AS start_at, team AS start_team,
    c AS started_by, nullIf(t3, -1) AS completed_at, nullIf(t4, -1) AS cancelled_at, ids AS event_ids, toUInt64(t5) AS version, toInt8(if(kind = 3, 1, -1)) AS sign
  FROM {db}.ingest_v2 WHERE kind IN (3, 5);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.aggregates_mv TO {db}.aggregates AS
  SELECT toUInt8(kind - 10) AS fact, queue, team, t1 AS at, t2 AS wait_ms, t3 AS n, t4 AS arrivals, t5 AS completions, t6 AS leaves
  FROM {db}.ingest_v2 WHERE kind > 10;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.staffing_v2_mv TO {db}.staffing AS
  SELECT queue, team, argMaxState(toUInt32(t4), tuple(t1, a)) AS latest FROM {db}.ingest_v2 WHERE kind = 7 GROUP BY queue, team;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.stream_offsets_mv TO {db}.stream_offsets AS
  SELECT a AS topic, toUInt16(t6) AS part, t1 AS last_offset FROM {db}.ingest_v2 WHERE kind = 8;

-- What an earlier version stored moves over once: the four aggregate tables into `aggregates`, the
-- task states into `task_states` and, when open, `open_tasks`, with part 65535 (their partition
-- was not recorded; every worker reads them with its own partitions: a worker holds the former open
-- tasks once per partition it owns, a bounded set that shrinks as they close, and a task's events
-- reach only the worker that owns its key). Then the old ingest path goes; the tables copied from
-- are dropped by migration 006. The raw events and staffing stay where they are. Each copy runs only while its target holds nothing of its kind, so a migration cut
-- short copies nothing twice when it runs again.
DROP TABLE IF EXISTS {db}.events_mv;
DROP TABLE IF EXISTS {db}.task_state_mv;
DROP TABLE IF EXISTS {db}.open_counts_mv;
DROP TABLE IF EXISTS {db}.waiting_mv;
DROP TABLE IF EXISTS {db}.window_facts_mv;
DROP TABLE IF EXISTS {db}.minute_counts_mv;
DROP TABLE IF EXISTS {db}.staffing_mv;
DROP TABLE IF EXISTS {db}.ingest;

INSERT INTO {db}.aggregates (fact, queue, team, at, wait_ms, n)
  SELECT fact, queue, team, at, wait_ms, sum(n) AS n FROM {db}.window_facts WHERE (SELECT count() FROM {db}.aggregates WHERE fact <= 3) = 0
  GROUP BY fact, queue, team, at, wait_ms HAVING n != 0;
INSERT INTO {db}.aggregates (fact, queue, team, at, n)
  SELECT 4, queue, team, started, sum(n) AS n FROM {db}.open_counts WHERE (SELECT count() FROM {db}.aggregates WHERE fact = 4) = 0
  GROUP BY queue, team, started HAVING n != 0;
INSERT INTO {db}.aggregates (fact, queue, at, n)
  SELECT 5, queue, created_at, sum(n) AS n FROM {db}.waiting WHERE (SELECT count() FROM {db}.aggregates WHERE fact = 5) = 0
  GROUP BY queue, created_at HAVING n != 0;
INSERT INTO {db}.aggregates (fact, queue, at, arrivals, completions, leaves)
  SELECT 6, queue, minute, sum(arrivals), sum(completions), sum(leaves) FROM {db}.minute_counts WHERE (SELECT count() FROM {db}.aggregates WHERE fact = 6) = 0
  GROUP BY queue, minute;
INSERT INTO {db}.task_states
  SELECT 65535, task_id, queue, created_at, created_by, start_at, start_team, started_by, completed_at, cancelled_at, arrayFilter(x -> x != '', [created_by, started_by]), version
  FROM {db}.task_state FINAL WHERE (SELECT count() FROM {db}.task_states) = 0;
INSERT INTO {db}.open_tasks
  SELECT 65535, task_id, queue, created_at, created_by, start_at, start_team, started_by, completed_at, cancelled_at, arrayFilter(x -> x != '', [created_by, started_by]), version, 1
  FROM {db}.task_state FINAL WHERE completed_at IS NULL AND cancelled_at IS NULL AND (SELECT count() FROM {db}.open_tasks) = 0;
