/**
 * Turns a batch of events into the rows of one INSERT into `ingest`: the raw events, the new
 * state of every task they changed, and the net aggregate changes (a `ContributionSink` that sums
 * per key, so a task created and started within one batch adds nothing to `waiting`).
 */
import type { OpsEvent } from '../events.js';
import { MINUTE_MS } from '../embedded/minute-history.js';
import { isSet, type ContributionSink, type TaskState } from '../task-state.js';

export const KIND = { event: 1, state: 2, open: 3, waiting: 4, fact: 5, minute: 6, staffing: 7 } as const;
export const FACT = { arrival: 1, completion: 2, start: 3 } as const;

export type IngestRow = Record<string, string | number | null>;

const nullable = (t: number) => (isSet(t) ? t : null);

/** Sums signed changes per key; rows whose sums are all zero are not written. */
export class BatchRows implements ContributionSink {
  private readonly raw: IngestRow[] = [];
  private readonly sums = new Map<string, { row: IngestRow; fields: string[] }>();

  private add(key: string, base: IngestRow, field: string, delta: number): void {
    let entry = this.sums.get(key);
    if (!entry) {
      entry = { row: { ...base }, fields: [] };
      this.sums.set(key, entry);
    }
    if (!entry.fields.includes(field)) {
      entry.fields.push(field);
      entry.row[field] = 0;
    }
    entry.row[field] = (entry.row[field] as number) + delta;
  }

  open(queue: string, team: string, started: boolean, sign: number): void {
    const s = started ? 1 : 0;
    this.add(`3|${queue}|${team}|${s}`, { kind: KIND.open, queue, team, started: s }, 'n', sign);
    // The queue row counts every open task; the team row only those the team started.
    if (team) this.add(`3|${queue}||${s}`, { kind: KIND.open, queue, team: '', started: s }, 'n', sign);
  }

  waiting(queue: string, createdAt: number, sign: number): void {
    this.add(`4|${queue}|${createdAt}`, { kind: KIND.waiting, queue, at: createdAt }, 'n', sign);
  }

  private fact(queue: string, team: string, fact: number, at: number, waitMs: number, sign: number): void {
    this.add(`5|${queue}|${team}|${fact}|${at}|${waitMs}`, { kind: KIND.fact, queue, team, fact, at, wait_ms: waitMs }, 'n', sign);
  }

  private minute(queue: string, at: number, field: 'arrivals' | 'completions' | 'leaves', sign: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    this.add(`6|${queue}|${minute}`, { kind: KIND.minute, queue, at: minute }, field, sign);
  }

  arrival(queue: string, team: string, createdAt: number, sign: number): void {
    this.fact(queue, team, FACT.arrival, createdAt, 0, sign);
    if (!team) this.minute(queue, createdAt, 'arrivals', sign);
  }

  completion(queue: string, team: string, completedAt: number, sign: number): void {
    this.fact(queue, team, FACT.completion, completedAt, 0, sign);
    if (!team) this.minute(queue, completedAt, 'completions', sign);
  }

  left(queue: string, at: number, sign: number): void {
    this.minute(queue, at, 'leaves', sign);
  }

  start(queue: string, team: string, startAt: number, waitMs: number, sign: number): void {
    this.fact(queue, '', FACT.start, startAt, waitMs, sign);
    this.fact(queue, team, FACT.start, startAt, waitMs, sign);
  }

  event(e: OpsEvent): void {
    this.raw.push({
      kind: KIND.event,
      event_id: e.event_id,
      type: e.type,
      task_id: e.type === 'staffing.updated' ? '' : e.task_id,
      queue: e.queue,
      team: e.team ?? '',
      at: Date.parse(e.occurred_at),
      agents: e.type === 'staffing.updated' ? e.agents : 0,
      priority: e.type === 'task.created' ? (e.priority ?? 3) : 0,
    });
    if (e.type === 'staffing.updated') {
      this.raw.push({ kind: KIND.staffing, event_id: e.event_id, queue: e.queue, team: e.team, at: Date.parse(e.occurred_at), agents: e.agents });
    }
  }

  state(taskId: string, t: TaskState, version: number): void {
    this.raw.push({
      kind: KIND.state,
      task_id: taskId,
      queue: t.queue,
      created_at: nullable(t.createdAt),
      created_by: t.createdBy,
      start_at: nullable(t.startAt),
      start_team: t.startTeam,
      started_by: t.startedBy,
      completed_at: nullable(t.completedAt),
      cancelled_at: nullable(t.cancelledAt),
      version,
    });
  }

  /** Every row of the batch, net changes that cancel out left out. */
  rows(): IngestRow[] {
    const out = [...this.raw];
    for (const { row, fields } of this.sums.values()) if (fields.some((f) => row[f] !== 0)) out.push(row);
    return out;
  }
}
