/**
 * Turns a batch of events into the TabSeparated rows of one INSERT into `ingest_v2` (migration
 * 004): the raw events, the new state of every task they touched (and its open-task row), the net
 * aggregate changes (a `ContributionSink` that sums per key, so a task created and started within
 * one batch adds nothing to `waiting`), staffing, and the highest offset per partition.
 */
import type { OpsEvent } from '../../contracts/events.js';
import { MINUTE_MS } from '../embedded/minute-history.js';
import type { ContributionSink, TaskState } from '../task-state.js';
import { TsvWriter, tsvString, tsvStringArray } from './tsv.js';

/** `kind` of an `ingest_v2` row; an aggregate row's kind is 10 + its fact. */
export const KIND = { event: 1, state: 2, open: 3, staffing: 7, offset: 8, closedOpen: 5, aggregate: 10 } as const;
/** `fact` of an `aggregates` row. */
export const FACT = { arrival: 1, completion: 2, start: 3, open: 4, waiting: 5, minute: 6 } as const;

/** The columns of `ingest_v2`, in the order every row is written (their use per kind: migration 004). */
export const INGEST_COLUMNS = ['kind', 'a', 'b', 'c', 'queue', 'team', 't1', 't2', 't3', 't4', 't5', 't6', 'ids'] as const;

/** A time that may be unset (NaN), as written: -1 stands for none (the views read it as NULL). */
const time = (t: number) => (t === t ? t : -1);

interface MinuteSum { arrivals: number; completions: number; leaves: number }

/** `map.get(key)`, created empty first when missing. */
function inner<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/**
 * Open tasks, waiting tasks and minute counts are summed per key within the batch (a task created
 * and started in one batch adds nothing to `waiting`); keys whose sums are zero are not written.
 * Window facts are written as they come: within a batch they seldom cancel, and summing them per
 * millisecond cost more than the rows it saved. SummingMergeTree adds them up either way.
 * NOTE: nested maps keyed by queue, then by number: this runs several times per event on the
 * worker's hot path, and building a string key per call was its largest cost.
 */
export class BatchRows implements ContributionSink {
  private readonly out = new TsvWriter();
  /** queue -> team -> [not started, started] */
  private readonly openSums = new Map<string, Map<string, [number, number]>>();
  /** queue -> created_at -> n */
  private readonly waitingSums = new Map<string, Map<number, number>>();
  /** queue -> minute -> sums */
  private readonly minuteSums = new Map<string, Map<number, MinuteSum>>();

  open(queue: string, team: string, started: boolean, sign: number): void {
    const byTeam = inner(this.openSums, queue, () => new Map<string, [number, number]>());
    const i = started ? 1 : 0;
    inner(byTeam, team, () => [0, 0] as [number, number])[i] += sign;
    // The queue row counts every open task; the team row only those the team started.
    if (team) inner(byTeam, '', () => [0, 0] as [number, number])[i] += sign;
  }

  waiting(queue: string, createdAt: number, sign: number): void {
    const byTime = inner(this.waitingSums, queue, () => new Map<number, number>());
    byTime.set(createdAt, (byTime.get(createdAt) ?? 0) + sign);
  }

  private minute(queue: string, at: number, field: 'arrivals' | 'completions' | 'leaves', sign: number): void {
    const byMinute = inner(this.minuteSums, queue, () => new Map<number, MinuteSum>());
    inner(byMinute, Math.floor(at / MINUTE_MS), () => ({ arrivals: 0, completions: 0, leaves: 0 }))[field] += sign;
  }

  arrival(queue: string, team: string, createdAt: number, sign: number): void {
    this.aggregate(FACT.arrival, queue, team, createdAt, 0, sign);
    if (!team) this.minute(queue, createdAt, 'arrivals', sign);
  }

  completion(queue: string, team: string, completedAt: number, sign: number): void {
    this.aggregate(FACT.completion, queue, team, completedAt, 0, sign);
    if (!team) this.minute(queue, completedAt, 'completions', sign);
  }

  left(queue: string, at: number, sign: number): void {
    this.minute(queue, at, 'leaves', sign);
  }

  start(queue: string, team: string, startAt: number, waitMs: number, sign: number): void {
    this.aggregate(FACT.start, queue, '', startAt, waitMs, sign);
    this.aggregate(FACT.start, queue, team, startAt, waitMs, sign);
  }

  /** The raw event (and, for staffing, its staffing row). */
  event(e: OpsEvent, at: number): void {
    const id = tsvString(e.event_id);
    const queue = tsvString(e.queue);
    const team = e.team === undefined ? '' : tsvString(e.team);
    if (e.type === 'staffing.updated') {
      this.out.line(`${KIND.event}\t${id}\t${e.type}\t\t${queue}\t${team}\t${at}\t0\t0\t${e.agents}\t0\t0\t[]\n`);
      this.out.line(`${KIND.staffing}\t${id}\t\t\t${queue}\t${team}\t${at}\t0\t0\t${e.agents}\t0\t0\t[]\n`);
      return;
    }
    const priority = e.type === 'task.created' ? (e.priority ?? 3) : 0;
    this.out.line(`${KIND.event}\t${id}\t${e.type}\t${tsvString(e.task_id)}\t${queue}\t${team}\t${at}\t0\t0\t0\t${priority}\t0\t[]\n`);
  }

  /** A task's state row (kind 2), or its open-task row (+1: kind 3; -1: kind 5). */
  state(kind: 2 | 3 | 5, part: number, taskId: string, t: TaskState, ids: readonly string[], version: number): void {
    this.out.line(
      `${kind}\t${tsvString(taskId)}\t${tsvString(t.createdBy)}\t${tsvString(t.startedBy)}\t${tsvString(t.queue)}\t${tsvString(t.startTeam)}\t` +
        `${time(t.createdAt)}\t${time(t.startAt)}\t${time(t.completedAt)}\t${time(t.cancelledAt)}\t${version}\t${part}\t${tsvStringArray(ids)}\n`,
    );
  }

  /** The highest offset of `topic`'s `part` this INSERT stores. */
  offset(topic: string, part: number, lastOffset: number): void {
    this.out.line(`${KIND.offset}\t${tsvString(topic)}\t\t\t\t\t${lastOffset}\t0\t0\t0\t0\t${part}\t[]\n`);
  }

  private aggregate(fact: number, queue: string, team: string, at: number, waitMs: number, n: number, arrivals = 0, completions = 0, leaves = 0): void {
    this.out.line(`${KIND.aggregate + fact}\t\t\t\t${tsvString(queue)}\t${tsvString(team)}\t${at}\t${waitMs}\t${n}\t${arrivals}\t${completions}\t${leaves}\t[]\n`);
  }

  /** Every row of the batch as TabSeparated text in INGEST_COLUMNS order, net changes that cancel out left out. */
  finish(): { payload: Buffer; rows: number } {
    for (const [queue, byTeam] of this.openSums) {
      for (const [team, [waiting, started]] of byTeam) {
        if (waiting !== 0) this.aggregate(FACT.open, queue, team, 0, 0, waiting);
        if (started !== 0) this.aggregate(FACT.open, queue, team, 1, 0, started);
      }
    }
    for (const [queue, byTime] of this.waitingSums) {
      for (const [createdAt, n] of byTime) if (n !== 0) this.aggregate(FACT.waiting, queue, '', createdAt, 0, n);
    }
    for (const [queue, byMinute] of this.minuteSums) {
      for (const [minute, m] of byMinute) {
        if (m.arrivals !== 0 || m.completions !== 0 || m.leaves !== 0) this.aggregate(FACT.minute, queue, '', minute, 0, 0, m.arrivals, m.completions, m.leaves);
      }
    }
    return { payload: this.out.bytes(), rows: this.out.rows };
  }
}
