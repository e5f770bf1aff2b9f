/**
 * The incremental metrics engine of the embedded store (SPEC section 3).
 *
 * Each task keeps only what its metrics depend on: its earliest `task.created` (time and queue),
 * its earliest `task.started` (time and team), its earliest completion and cancellation. When an
 * event changes any of these, the task's old contribution is retracted from the aggregates and
 * the new one asserted, which makes late and out-of-order events exact by construction.
 *
 * Events later than the engine's clock wait in a heap until the clock reaches them, so a snapshot
 * at `now` only ever sees events with `occurred_at <= now`. The clock only moves forward.
 */
import { teamsForQueue, type OpsConfig, type QueueConfig, type TeamConfig } from '../config.js';
import type { OpsEvent, StaffingEvent } from '../events.js';
import { sumTotals, type MetricsHistory, type MetricsSnapshot, type QueueMetrics } from '../metrics-snapshot.js';
import { EventIdIndex } from './event-id-index.js';
import { MINUTE_MS, MinuteHistory, toHistoryPoints, type RawMinute } from './minute-history.js';
import { MinHeap } from '../min-heap.js';
import { WindowAggregate } from './window-aggregate.js';

/** How long closed tasks, minute buckets and event ids are kept: the longest history view, plus a day. */
export const RETENTION_MS = 8 * 24 * 60 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface TaskState {
  queue: string;
  createdAt: number;
  createdBy: string;
  startAt: number;
  startTeam: string;
  startedBy: string;
  completedAt: number;
  cancelledAt: number;
}

interface StaffingEntry {
  at: number;
  eventId: string;
  agents: number;
}

class QueueState {
  readonly all = new WindowAggregate();
  readonly teams = new Map<string, WindowAggregate>();
  readonly history: MinuteHistory;
  readonly staffing = new Map<string, StaffingEntry>();
  readonly targetMs: number;

  constructor(readonly config: QueueConfig, readonly configuredTeams: TeamConfig[]) {
    this.targetMs = config.sla.target_seconds * 1000;
    this.history = new MinuteHistory(this.targetMs);
    for (const team of configuredTeams) this.teams.set(team.id, new WindowAggregate());
  }

  team(id: string): WindowAggregate {
    let agg = this.teams.get(id);
    if (!agg) {
      agg = new WindowAggregate();
      this.teams.set(id, agg);
    }
    return agg;
  }

  staffed(team?: string): number {
    if (team !== undefined) return this.staffing.get(team)?.agents ?? 0;
    let sum = 0;
    for (const entry of this.staffing.values()) sum += entry.agents;
    return sum;
  }
}

const isSet = (t: number) => t === t; // NaN marks "no such event"
const same = (x: number, y: number) => x === y || (x !== x && y !== y);

function blankContribution(): Contribution {
  return { q: undefined as unknown as QueueState, team: undefined, open: false, started: false, createdAt: NaN, completedAt: NaN, startAt: NaN, waitMs: NaN, leftAt: NaN };
}

interface Contribution {
  q: QueueState;
  team: WindowAggregate | undefined;
  open: boolean;
  started: boolean;
  createdAt: number;
  completedAt: number;
  startAt: number;
  waitMs: number;
  leftAt: number;
}

function newTask(): TaskState {
  return {
    queue: '',
    createdAt: NaN,
    createdBy: '',
    startAt: NaN,
    startTeam: '',
    startedBy: '',
    completedAt: NaN,
    cancelledAt: NaN,
  };
}

/** Earlier time wins; at the same instant the smaller event id, so every engine agrees. */
const earlier = (at: number, id: string, currentAt: number, currentId: string) =>
  !isSet(currentAt) || at < currentAt || (at === currentAt && id < currentId);

export class MetricsEngine {
  private readonly queues = new Map<string, QueueState>();
  private readonly tasks = new Map<string, TaskState>();
  private readonly seen = new EventIdIndex(RETENTION_MS);
  /** Events later than the clock, earliest first (ties in arrival order). */
  private readonly pending = new MinHeap<{ at: number; seq: number; event: OpsEvent }>();
  private pendingSeq = 0;
  /** Closed task ids by the day of their last change, for forgetting them after RETENTION_MS. */
  private readonly closedByDay = new Map<number, string[]>();
  private clock = Number.NEGATIVE_INFINITY;
  private lo = Number.NEGATIVE_INFINITY;
  private forgottenDay = Number.NEGATIVE_INFINITY;
  private readonly scratchBefore = blankContribution();
  private readonly scratchAfter = blankContribution();

  constructor(private readonly config: OpsConfig) {
    for (const q of config.queues) this.queues.set(q.id, new QueueState(q, teamsForQueue(config, q.id)));
  }

  get windowMs(): number {
    return this.config.window_minutes * MINUTE_MS;
  }

  /** The instant the engine has reached. */
  get now(): number {
    return this.clock;
  }

  get openTasks(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.all.backlog;
    return n;
  }

  /** Whether an event id was already taken. */
  hasEvent(id: string): boolean {
    return this.seen.has(id);
  }

  /** Takes one validated event; false when its `event_id` was seen before (a duplicate). */
  apply(event: OpsEvent): boolean {
    const at = Date.parse(event.occurred_at);
    if (!this.seen.add(event.event_id, Math.max(at, this.clock))) return false;
    if (at > this.clock) this.pending.push({ at, seq: this.pendingSeq++, event });
    else this.applyAt(event, at);
    return true;
  }

  /** Moves the clock forward to `nowMs`, applying events that have become due. */
  advance(nowMs: number): void {
    if (!(nowMs > this.clock)) return;
    this.clock = nowMs;
    while (this.pending.size > 0 && this.pending.peek()!.at <= nowMs) {
      const { event, at } = this.pending.pop()!;
      this.applyAt(event, at);
    }
    const lo = nowMs - this.windowMs;
    if (lo > this.lo) {
      this.lo = lo;
      for (const q of this.queues.values()) {
        q.all.slide(lo);
        for (const agg of q.teams.values()) agg.slide(lo);
      }
    }
    const day = Math.floor(nowMs / DAY_MS);
    if (day > this.forgottenDay) this.forgetBefore(nowMs - RETENTION_MS, day);
  }

  private applyAt(event: OpsEvent, at: number): void {
    if (event.type === 'staffing.updated') return this.applyStaffing(event, at);
    if (event.type === 'task.assigned') return; // changes no metric; validated and deduplicated only
    let task = this.tasks.get(event.task_id);
    if (!task) {
      task = newTask();
      this.tasks.set(event.task_id, task);
    }
    const id = event.event_id;
    const before = this.contribution(task, this.scratchBefore);
    switch (event.type) {
      case 'task.created':
        if (!earlier(at, id, task.createdAt, task.createdBy)) return;
        task.createdAt = at;
        task.createdBy = id;
        task.queue = event.queue;
        break;
      case 'task.started':
        if (!earlier(at, id, task.startAt, task.startedBy)) return;
        task.startAt = at;
        task.startedBy = id;
        task.startTeam = event.team;
        break;
      case 'task.completed':
        if (isSet(task.completedAt) && task.completedAt <= at) return;
        task.completedAt = at;
        break;
      case 'task.cancelled':
        if (isSet(task.cancelledAt) && task.cancelledAt <= at) return;
        task.cancelledAt = at;
        break;
    }
    this.change(before, this.contribution(task, this.scratchAfter));
    if (isSet(task.completedAt) || isSet(task.cancelledAt)) this.rememberClosed(event.task_id, at);
  }

  private applyStaffing(event: StaffingEvent, at: number): void {
    const q = this.queues.get(event.queue);
    if (!q) return;
    const current = q.staffing.get(event.team);
    // Latest wins; at the same instant the larger event id, mirroring `earlier`.
    if (current && (at < current.at || (at === current.at && event.event_id < current.eventId))) return;
    q.staffing.set(event.team, { at, eventId: event.event_id, agents: event.agents });
  }

  /**
   * What a task counts towards, written into `out`, or null when it counts nowhere (no
   * task.created). NOTE: two scratch objects are reused for every event: no garbage per event.
   */
  private contribution(t: TaskState, out: Contribution): Contribution | null {
    if (!isSet(t.createdAt)) return null;
    const q = this.queues.get(t.queue);
    if (!q) return null;
    const started = isSet(t.startAt);
    const closeAt = Math.min(isSet(t.completedAt) ? t.completedAt : Infinity, isSet(t.cancelledAt) ? t.cancelledAt : Infinity);
    out.q = q;
    out.team = started ? q.team(t.startTeam) : undefined;
    out.open = closeAt === Infinity;
    out.started = started;
    out.createdAt = t.createdAt;
    out.completedAt = t.completedAt;
    out.startAt = t.startAt;
    out.waitMs = t.startAt - t.createdAt;
    // The backlog walk-back of the history counts a task out at max(created, closed).
    out.leftAt = closeAt === Infinity ? NaN : Math.max(t.createdAt, closeAt);
    return out;
  }

  /**
   * Moves a task from what it counted towards (`a`) to what it counts towards now (`b`), touching
   * only the parts that differ: a task.started, say, leaves the arrival where it was.
   */
  private change(a: Contribution | null, b: Contribution | null): void {
    const lo = this.lo;
    const sameHome = a !== null && b !== null && a.q === b.q;
    const sameTeam = sameHome && a.team === b.team;
    // Open counts, per queue and per team.
    if (!(sameTeam && a.open === b.open && a.started === b.started)) {
      if (a?.open) { a.q.all.countOpen(a.started, -1); a.team?.countOpen(a.started, -1); }
      if (b?.open) { b.q.all.countOpen(b.started, +1); b.team?.countOpen(b.started, +1); }
    }
    // Waiting tasks by creation time (queue level only: a team's tasks have all started).
    const aWaits = a !== null && a.open && !a.started;
    const bWaits = b !== null && b.open && !b.started;
    if (!(sameHome && aWaits === bWaits && a.createdAt === b.createdAt)) {
      if (aWaits) a.q.all.waitingCreated.delete(a.createdAt);
      if (bWaits) b.q.all.waitingCreated.add(b.createdAt);
    }
    // Arrivals.
    if (!(sameHome && a.createdAt === b.createdAt)) {
      if (a) { a.q.all.arrival(a.createdAt, lo, -1); a.q.history.arrival(a.createdAt, -1); }
      if (b) { b.q.all.arrival(b.createdAt, lo, +1); b.q.history.arrival(b.createdAt, +1); }
    }
    if (!(sameTeam && a.createdAt === b.createdAt)) {
      a?.team?.arrival(a.createdAt, lo, -1);
      b?.team?.arrival(b.createdAt, lo, +1);
    }
    // Completions.
    if (!(sameHome && same(a.completedAt, b.completedAt))) {
      if (a && isSet(a.completedAt)) { a.q.all.completion(a.completedAt, lo, -1); a.q.history.completion(a.completedAt, -1); }
      if (b && isSet(b.completedAt)) { b.q.all.completion(b.completedAt, lo, +1); b.q.history.completion(b.completedAt, +1); }
    }
    if (!(sameTeam && same(a.completedAt, b.completedAt))) {
      if (a?.team && isSet(a.completedAt)) a.team.completion(a.completedAt, lo, -1);
      if (b?.team && isSet(b.completedAt)) b.team.completion(b.completedAt, lo, +1);
    }
    // Leaving the backlog (history only).
    if (!(sameHome && same(a.leftAt, b.leftAt))) {
      if (a && isSet(a.leftAt)) a.q.history.close(a.leftAt, -1);
      if (b && isSet(b.leftAt)) b.q.history.close(b.leftAt, +1);
    }
    // First starts and their waits.
    if (!(sameTeam && same(a.startAt, b.startAt) && same(a.waitMs, b.waitMs))) {
      if (a?.started) { a.q.all.start(a.startAt, a.waitMs, lo, -1); a.team!.start(a.startAt, a.waitMs, lo, -1); a.q.history.start(a.startAt, a.waitMs, -1); }
      if (b?.started) { b.q.all.start(b.startAt, b.waitMs, lo, +1); b.team!.start(b.startAt, b.waitMs, lo, +1); b.q.history.start(b.startAt, b.waitMs, +1); }
    }
  }

  private rememberClosed(taskId: string, at: number): void {
    const day = Math.floor(Math.max(at, this.clock) / DAY_MS);
    let ids = this.closedByDay.get(day);
    if (!ids) this.closedByDay.set(day, (ids = []));
    ids.push(taskId);
  }

  /** Forgets closed tasks, minute buckets and event ids older than `cutoff`. */
  private forgetBefore(cutoff: number, day: number): void {
    this.forgottenDay = day;
    const cutoffDay = Math.floor(cutoff / DAY_MS);
    for (const [d, ids] of this.closedByDay) {
      if (d >= cutoffDay) continue;
      this.closedByDay.delete(d);
      for (const id of ids) {
        const t = this.tasks.get(id);
        if (!t || !(isSet(t.completedAt) || isSet(t.cancelledAt))) continue;
        const last = Math.max(t.createdAt || 0, t.startAt || 0, t.completedAt || 0, t.cancelledAt || 0);
        if (last < cutoff) this.tasks.delete(id);
      }
    }
    for (const q of this.queues.values()) q.history.forgetBefore(Math.floor(cutoff / MINUTE_MS));
    this.seen.forgetBefore(cutoff);
  }

  /** The snapshot at `nowMs` (or at the engine's clock, if that is later). */
  snapshot(nowMs: number): MetricsSnapshot {
    this.advance(nowMs);
    const now = this.clock;
    const queues: QueueMetrics[] = [];
    for (const q of this.queues.values()) {
      const target = q.config.sla.target_seconds;
      const teams = [];
      for (const [teamId, agg] of q.teams) {
        const team = this.config.teamIndex.get(teamId)!;
        teams.push({ team: teamId, name: team.name, kind: team.kind, ...agg.read(now, target, q.staffed(teamId)) });
      }
      queues.push({
        queue: q.config.id,
        name: q.config.name,
        ...q.all.read(now, target, q.staffed()),
        sla_target_seconds: target,
        sla_goal: q.config.sla.goal,
        ...(q.config.thresholds ? { thresholds: q.config.thresholds } : {}),
        teams,
      });
    }
    return {
      generated_at: new Date(now).toISOString(),
      window_minutes: this.config.window_minutes,
      queues,
      totals: sumTotals(queues),
    };
  }

  /** Per-minute history of one queue, or of all queues combined when `queue` is undefined. */
  history(queue: string | undefined, minutes: number, nowMs: number): MetricsHistory {
    this.advance(nowMs);
    const now = this.clock;
    const one = queue === undefined ? undefined : this.queues.get(queue);
    if (queue !== undefined && !one) throw new RangeError(`unknown queue "${queue}"`);
    const states = one ? [one] : [...this.queues.values()];
    const series = states.map((q) => q.history.series(now, minutes, q.all.backlog));
    const combined: RawMinute[] = series[0].map((first, i) => {
      if (series.length === 1) return first;
      const row = { minute: first.minute, arrivals: 0, completions: 0, backlog: 0, waits: [] as number[], attained: 0 };
      for (const s of series) {
        row.arrivals += s[i].arrivals;
        row.completions += s[i].completions;
        row.backlog += s[i].backlog;
        row.attained += s[i].attained;
        row.waits.push(...s[i].waits);
      }
      return row;
    });
    return {
      generated_at: new Date(now).toISOString(),
      queue: queue ?? '*',
      minutes,
      points: toHistoryPoints(combined),
    };
  }
}
