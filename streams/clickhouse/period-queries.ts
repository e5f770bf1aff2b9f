/**
 * The recorded-period reads of the ClickHouse store (migration 005): the staffing changes of a
 * period with the one in effect at its start, and the first times of each task with an event in
 * it. Both are primary-key ranges on time (the staffing baseline reads each pair's changes up to
 * the start: a few a day), so their cost follows the period, not the length of history.
 */
import type { PeriodTask, StaffingChange } from '../metrics-store.js';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { ident, sql } from './sql.js';

type StaffingRow = { queue: string; team: string; at: number; event_id: string; agents: number };
type TaskRow = { task_id: string; queue: string; created: number; held: number; started: number; completed: number; cancelled: number };

/** See MetricsStore.staffingHistory. */
export async function readStaffingHistory(connection: ClickHouseConnection, database: string, fromMs: number, toMs: number): Promise<StaffingChange[]> {
  const db = ident(database);
  const from = Math.floor(fromMs);
  const to = Math.ceil(toMs);
  // NOTE: (at, event_id) orders changes as the engine's latest-wins rule does.
  const rows = await connection.query<StaffingRow>(sql`
    SELECT queue, team, s_at AS at, s_id AS event_id, s_agents AS agents FROM (
      SELECT queue, team, max(at) AS s_at, argMax(event_id, (at, event_id)) AS s_id, argMax(agents, (at, event_id)) AS s_agents
      FROM ${db}.staffing_history WHERE at <= ${from} GROUP BY queue, team
      UNION ALL
      SELECT DISTINCT queue, team, at AS s_at, event_id AS s_id, agents AS s_agents FROM ${db}.staffing_history WHERE at > ${from} AND at < ${to}
    ) ORDER BY s_at, queue, team, s_id`);
  return rows.map((r) => ({ queue: r.queue, team: r.team, atMs: Number(r.at), eventId: r.event_id, agents: Number(r.agents) }));
}

/** See MetricsStore.periodTasks. */
export async function readPeriodTasks(connection: ClickHouseConnection, database: string, fromMs: number, toMs: number): Promise<PeriodTask[]> {
  const db = ident(database);
  // -1 stands for "no such event" (minIf over nothing gives 0, a real instant).
  const rows = await connection.query<TaskRow>(sql`
    SELECT task_id,
      if(countIf(type = 'task.created') > 0, minIf(queue, type = 'task.created'), min(queue)) AS queue,
      if(countIf(type = 'task.created') > 0, minIf(at, type = 'task.created'), -1) AS created,
      if(countIf(type IN ('task.assigned', 'task.started')) > 0, minIf(at, type IN ('task.assigned', 'task.started')), -1) AS held,
      if(countIf(type = 'task.started') > 0, minIf(at, type = 'task.started'), -1) AS started,
      if(countIf(type = 'task.completed') > 0, minIf(at, type = 'task.completed'), -1) AS completed,
      if(countIf(type = 'task.cancelled') > 0, minIf(at, type = 'task.cancelled'), -1) AS cancelled
    FROM ${db}.task_events WHERE at >= ${Math.ceil(fromMs)} AND at < ${Math.ceil(toMs)}
    GROUP BY task_id ORDER BY task_id`);
  const time = (t: number) => (Number(t) === -1 ? null : Number(t));
  return rows.map((r) => ({
    taskId: r.task_id,
    queue: r.queue,
    createdAt: time(r.created),
    heldAt: time(r.held),
    startAt: time(r.started),
    completedAt: time(r.completed),
    cancelledAt: time(r.cancelled),
  }));
}
