/**
 * The task states of the Kafka partitions a stream worker is assigned (issue 10). Events are keyed
 * by task id, so every event of a task reaches the one worker that owns its partition: that worker
 * keeps the partition's open tasks (all of them, loaded when it is assigned the partition) and the
 * tasks that closed lately (bounded), each with the ids of the events it took, so that an upstream
 * resend is recognised without asking ClickHouse. A filter of every task id the partition stored
 * (seen-filter.ts) tells a new task from one evicted from memory; only the latter is looked up.
 * The highest offset written per partition comes back too: a batch read again is a replay.
 */
import type { Logger } from 'pino';
import type { TaskState } from '../task-state.js';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { SeenFilter } from './seen-filter.js';
import { ident, inList, sql } from './sql.js';

/** Task states an earlier version stored, before partitions were recorded (migration 004). */
export const LEGACY_PART = 65535;

export interface OwnedTask {
  state: TaskState;
  version: number;
  /** The ids of every event the task took. */
  ids: string[];
  /** The `part` of its +1 row in `open_tasks`, or -1 when it has none (closed, or never written). */
  openPart: number;
}

/** One partition's tasks in memory. */
export class OwnedPartition {
  readonly open = new Map<string, OwnedTask>();
  /** Lately closed, oldest first: evicted beyond the store's bound (they stay in `task_states`). */
  readonly closed = new Map<string, OwnedTask>();
  /** Recent staffing event ids (staffing has no task to hold them), oldest first. */
  readonly staffingIds = new Set<string>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly seen: SeenFilter,
    /** Highest offset stored (-1: none). */
    public written: number,
  ) {}

  get(taskId: string): OwnedTask | undefined {
    return this.open.get(taskId) ?? this.closed.get(taskId);
  }

  /** Takes the task's new state after a successful write. */
  keep(taskId: string, task: OwnedTask, closedBound: number): void {
    this.seen.add(taskId);
    if (isOpen(task.state)) {
      this.open.set(taskId, task);
      this.closed.delete(taskId);
      return;
    }
    this.open.delete(taskId);
    this.closed.delete(taskId);
    this.closed.set(taskId, task);
    if (this.closed.size > closedBound) {
      for (const id of this.closed.keys()) {
        this.closed.delete(id);
        if (this.closed.size <= closedBound) break;
      }
    }
  }

  keepStaffingId(eventId: string): void {
    this.staffingIds.add(eventId);
    if (this.staffingIds.size > 10_000) this.staffingIds.delete(this.staffingIds.values().next().value!);
  }
}

export const isOpen = (t: TaskState): boolean => t.completedAt !== t.completedAt && t.cancelledAt !== t.cancelledAt;

/** A row of `task_states` or `open_tasks`. */
export interface StateRow {
  part: number;
  task_id: string;
  queue: string;
  created_at: number | null;
  created_by: string;
  start_at: number | null;
  start_team: string;
  started_by: string;
  completed_at: number | null;
  cancelled_at: number | null;
  event_ids: string[];
  version: number;
}

const num = (v: number | null) => (v === null ? NaN : Number(v));
const STATE_COLUMNS = sql`part, task_id, queue, created_at, created_by, start_at, start_team, started_by, completed_at, cancelled_at, event_ids, version`;

/** The newest version of each task among `rows` (ReplacingMergeTree rows are read without FINAL). */
export function newestByTask(rows: readonly StateRow[]): Map<string, OwnedTask> {
  const out = new Map<string, OwnedTask>();
  for (const r of rows) {
    const version = Number(r.version);
    const had = out.get(r.task_id);
    if (had && had.version >= version) continue;
    const state: TaskState = {
      queue: r.queue,
      createdAt: num(r.created_at),
      createdBy: r.created_by,
      startAt: num(r.start_at),
      startTeam: r.start_team,
      startedBy: r.started_by,
      completedAt: num(r.completed_at),
      cancelledAt: num(r.cancelled_at),
    };
    out.set(r.task_id, { state, version, ids: [...r.event_ids], openPart: isOpen(state) ? Number(r.part) : -1 });
  }
  return out;
}

/**
 * Loads a partition when it is assigned: the highest offset written, the open tasks, and the filter
 * of every task id stored. `end` is the log's end offset of the partition: a written offset at or
 * beyond it means the topic was recreated (or truncated), and the stored offset is ignored.
 */
export async function loadPartition(
  connection: ClickHouseConnection,
  database: string,
  topic: string,
  partition: number,
  end: number | undefined,
  logger: Logger | undefined,
): Promise<OwnedPartition> {
  const db = ident(database);
  const parts = inList([partition, LEGACY_PART]);
  const [offsets, open, ids] = await Promise.all([
    connection.query<{ o: number }>(sql`SELECT last_offset AS o FROM ${db}.stream_offsets WHERE topic = ${topic} AND part = ${partition} ORDER BY o DESC LIMIT 1`),
    connection.query<StateRow & { sign: number }>(sql`
      SELECT ${STATE_COLUMNS} FROM ${db}.open_tasks
      WHERE part IN ${parts} AND sign = 1 AND (part, task_id) IN (
        SELECT part, task_id FROM ${db}.open_tasks WHERE part IN ${parts} GROUP BY part, task_id HAVING sum(sign) > 0)`),
    connection.query<{ t: string }>(sql`SELECT DISTINCT task_id AS t FROM ${db}.task_states WHERE part IN ${parts}`),
  ]);
  let written = offsets.length > 0 ? Number(offsets[0].o) : -1;
  if (end !== undefined && written >= end) {
    logger?.warn({ topic, partition, written, end }, 'the partition ends before the offset stored as written: the topic was recreated or truncated; its stored offset is ignored');
    written = -1;
  }
  const seen = new SeenFilter(Math.max(100_000, ids.length * 2));
  for (const r of ids) seen.add(r.t);
  const owned = new OwnedPartition(topic, partition, seen, written);
  for (const [id, task] of newestByTask(open)) {
    seen.add(id);
    owned.open.set(id, task);
  }
  return owned;
}

/** The newest stored state of tasks a worker does not hold (evicted, or legacy), by task id. */
export async function lookUpTasks(connection: ClickHouseConnection, database: string, partitions: readonly number[], taskIds: readonly string[]): Promise<Map<string, OwnedTask>> {
  if (taskIds.length === 0) return new Map();
  const db = ident(database);
  const rows = await connection.query<StateRow>(
    sql`SELECT ${STATE_COLUMNS} FROM ${db}.task_states WHERE part IN ${inList([...partitions, LEGACY_PART])} AND task_id IN ${inList(taskIds)}`,
  );
  return newestByTask(rows);
}

/** Which of these staffing event ids are stored (staffing is rare: a look-up by id). */
export async function storedEventIds(connection: ClickHouseConnection, database: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await connection.query<{ event_id: string }>(sql`SELECT event_id FROM ${ident(database)}.events WHERE event_id IN ${inList(ids)}`);
  return new Set(rows.map((r) => r.event_id));
}
