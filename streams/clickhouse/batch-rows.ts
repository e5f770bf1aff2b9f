/**
 * Turns a batch of events into the rows of one INSERT into `ingest`: the raw events, the new
 * state of every task they changed, and the net aggregate changes (a `ContributionSink` that sums
 * per key, so a task created and started within one batch adds nothing to `waiting`).
 */
import type { OpsEvent } from '../../contracts/events.js';
import { MINUTE_MS } from '../embedded/minute-history.js';
import { isSet, type ContributionSink, type TaskState } from '../task-state.js';

export const KIND = { event: 1, state: 2, open: 3, waiting: 4, fact: 5, minute: 6, staffing: 7 } as const;
export const FACT = { arrival: 1, completion: 2, start: 3 } as const;

export type IngestRow = Record<string, string | number | null>;

const nullable = (t: number) => (isSet(t) ? t : null);

interface FactSum { queue: string; team: string; fact: number; at: number; wait_ms: number; n: number }
interface MinuteSum { queue: string; minute: number; arrivals: number; completions: number; leaves: number }

/**
 * Sums signed changes per key; keys whose sums are all zero are not written.
 * NOTE: one map per kind with flat keys: this runs several times per event on the worker's hot path.
 */
export class BatchRows implements ContributionSink {
  private readonly raw: IngestRow[] = [];
  private readonly openSums = new Map<string, number>();
  private readonly waitingSums = new Map<string, number>();
  private readonly factSums = new Map<string, FactSum>();
  private readonly minuteSums = new Map<string, MinuteSum>();

  open(queue: string, team: string, started: boolean, sign: number): void {
    const s = started ? '1' : '0';
    const key = queue + '\u0001' + team + '\u0001' + s;
    this.openSums.set(key, (this.openSums.get(key) ?? 0) + sign);
    // The queue row counts every open task; the team row only those the team started.
    if (team) {
      const queueKey = queue + '\u0001\u0001' + s;
      this.openSums.set(queueKey, (this.openSums.get(queueKey) ?? 0) + sign);
    }
  }

  waiting(queue: string, createdAt: number, sign: number): void {
    const key = queue + '\u0001' + createdAt;
    this.waitingSums.set(key, (this.waitingSums.get(key) ?? 0) + sign);
  }

  private fact(queue: string, team: string, fact: number, at: number, waitMs: number, sign: number): void {
    const key = queue + '\u0001' + team + '\u0001' + fact + '\u0001' + at + '\u0001' + waitMs;
    const sum = this.factSums.get(key);
    if (sum) sum.n += sign;
    else this.factSums.set(key, { queue, team, fact, at, wait_ms: waitMs, n: sign });
  }

  private minute(queue: string, at: number, field: 'arrivals' | 'completions' | 'leaves', sign: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const key = queue + '\u0001' + minute;
    let sum = this.minuteSums.get(key);
    if (!sum) this.minuteSums.set(key, (sum = { queue, minute, arrivals: 0, completions: 0, leaves: 0 }));
    sum[field] += sign;
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
    const out = this.raw;
    for (const [key, n] of this.openSums) {
      if (n === 0) continue;
      const [queue, team, started] = key.split('\u0001');
      out.push({ kind: KIND.open, queue, team, started: Number(started), n });
    }
    for (const [key, n] of this.waitingSums) {
      if (n === 0) continue;
      const split = key.lastIndexOf('\u0001');
      out.push({ kind: KIND.waiting, queue: key.slice(0, split), at: Number(key.slice(split + 1)), n });
    }
    for (const f of this.factSums.values()) if (f.n !== 0) out.push({ kind: KIND.fact, ...f });
    for (const m of this.minuteSums.values()) {
      if (m.arrivals !== 0 || m.completions !== 0 || m.leaves !== 0) {
        out.push({ kind: KIND.minute, queue: m.queue, at: m.minute, arrivals: m.arrivals, completions: m.completions, leaves: m.leaves });
      }
    }
    return out;
  }
}
