-- What a recorded period needs (SPEC 12's what-if, SPEC 11's agent-hours), read by time so its cost
-- follows the period, not the length of history. Both tables are filled by views on rows the worker
-- already writes into `ingest_v2`, so its INSERT carries nothing more:
--   `staffing_history` from the staffing rows (kind 7: a event_id, queue, team, t1 at, t4 agents),
--   every change rather than the latest only (`staffing` keeps that);
--   `task_events` from the raw task events (kind 1: a event_id, b type, c task_id, queue, t1 at):
--   the task states hold no assignment time, which the what-if's handling times start from.
-- A duplicate row changes no read: the staffing read takes distinct rows and the task read the
-- first time of each kind per task.
CREATE TABLE IF NOT EXISTS {db}.staffing_history (
  queue String,
  team String,
  at Int64,
  event_id String,
  agents UInt32
) ENGINE = ReplacingMergeTree ORDER BY (queue, team, at, event_id);

CREATE TABLE IF NOT EXISTS {db}.task_events (
  at Int64,
  queue String,
  task_id String,
  type String
) ENGINE = MergeTree ORDER BY (at, queue);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.staffing_history_mv TO {db}.staffing_history AS
  SELECT queue, team, t1 AS at, a AS event_id, toUInt32(t4) AS agents FROM {db}.ingest_v2 WHERE kind = 7;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.task_events_mv TO {db}.task_events AS
  SELECT t1 AS at, queue, c AS task_id, b AS type FROM {db}.ingest_v2 WHERE kind = 1 AND b != 'staffing.updated';

-- What was stored before moves over once, from the raw events (each copy runs only while its target
-- holds nothing, so a migration cut short and run again copies nothing twice; a row the views wrote
-- in between only skips a copy that was empty to begin with, as the store migrates before it writes).
INSERT INTO {db}.staffing_history (queue, team, at, event_id, agents)
  SELECT queue, team, occurred_at, event_id, agents FROM {db}.events
  WHERE type = 'staffing.updated' AND (SELECT count() FROM {db}.staffing_history) = 0;
INSERT INTO {db}.task_events (at, queue, task_id, type)
  SELECT occurred_at, queue, task_id, type FROM {db}.events
  WHERE type != 'staffing.updated' AND (SELECT count() FROM {db}.task_events) = 0;
