/**
 * The incremental metrics engine of the embedded store (SPEC section 3).
 *
 * Each task keeps only what its metrics depend on (`task-state.ts`, shared with the ClickHouse
 * store); when an event changes it, the task's contribution moves between in-memory aggregates:
 * counters, sorted times for the sliding window, and per-minute buckets for the history.
 *
 * Every accepted event counts at once, as SPEC section 3 reads: the backlog has no time qualifier,
 * while window metrics take `occurred_at` in (now - window, now], so an event up to 5 minutes in
 * the future (clock skew) enters the window when `now` reaches it. The clock only moves forward.
 */
import { teamsForQueue, type OpsConfig, type QueueConfig, type TeamConfig } from '../../contracts/config.js';
import type { OpsEvent, StaffingEvent } from '../../contracts/events.js';
import { blankContribution, contributionOf, foldTaskEvent, isSet, moveContribution, newTask, type ContributionSink, type TaskState } from '../task-state.js';
import { assembleSnapshot, emptyValues, type MetricValues, type MetricsHistory, type MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import { EventIdIndex } from './event-id-index.js';
import { MINUTE_MS, MinuteHistory, toHistoryPoints, type RawMinute } from './minute-history.js';
import { WindowAggregate, type WindowEdges } from './window-aggregate.js';
import { TeamStartIndex } from './team-starts.js';
import type { StaffingChange, TeamStarts } from '../metrics-store.js';
import { StaffingHistory } from './staffing-history.js';

/** How long closed tasks, minute buckets and event ids are kept by default: the longest history view, plus a day. */
export const RETENTION_MS = 8 * 24 * 60 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

interface StaffingEntry {
  at: number;
  eventId: string;
  agents: number;
}

class QueueState {
  readonly all: WindowAggregate;
  readonly teams = new Map<string, WindowAggregate>();
  readonly history: MinuteHistory;
  readonly staffing = new Map<string, StaffingEntry>();
  readonly targetMs: number;

  constructor(readonly config: QueueConfig, readonly configuredTeams: TeamConfig[], private readonly edges: WindowEdges) {
    this.targetMs = config.sla.target_seconds * 1000;
    this.history = new MinuteHistory(this.targetMs);
    this.all = new WindowAggregate(edges);
    for (const team of configuredTeams) this.teams.set(team.id, new WindowAggregate(edges));
  }

  team(id: string): WindowAggregate {
    let agg = this.teams.get(id);
    if (!agg) {
      agg = new WindowAggregate(this.edges);
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

export class MetricsEngine {
  private readonly queues = new Map<string, QueueState>();
  private readonly tasks = new Map<string, TaskState>();
  private readonly seen = new EventIdIndex();
  /** First starts per queue and team by hour, for the partner scorecard. */
  private readonly teamStartIndex = new TeamStartIndex();
  /** Every staffing change per queue and team, for the what-if and the scorecard's agent-hours. */
  private readonly staffingHistory = new StaffingHistory();
  /** Closed task ids by the day of their last change, for forgetting them after RETENTION_MS. */
  private readonly closedByDay = new Map<number, string[]>();
  /** The window (lo, now]; `now` is the engine's clock. */
  private readonly edges: WindowEdges = { lo: Number.NEGATIVE_INFINITY, now: Number.NEGATIVE_INFINITY };
  private forgottenDay = Number.NEGATIVE_INFINITY;
  private readonly scratchBefore = blankContribution();
  private readonly scratchAfter = blankContribution();

  /**
   * `keepMs`: how long closed tasks, minute buckets and event ids are kept (default RETENTION_MS).
   * NOTE: it must cover the age past which ingest refuses events as too old, or a resent old event
   * whose id was forgotten would count again.
   */
  constructor(
    private readonly config: OpsConfig,
    private readonly keepMs = RETENTION_MS,
  ) {
    for (const q of config.queues) this.queues.set(q.id, new QueueState(q, teamsForQueue(config, q.id), this.edges));
  }

  get windowMs(): number {
    return this.config.window_minutes * MINUTE_MS;
  }

  /** The instant the engine has reached. */
  get now(): number {
    return this.edges.now;
  }

  get openTasks(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.all.backlog;
    return n;
  }

  /** Tasks created and neither completed nor cancelled, with the team that started them if one did. */
  *openTaskList(): Generator<{ task_id: string; queue: string; created_at: number; team?: string }> {
    for (const [task_id, t] of this.tasks) {
      if (!isSet(t.createdAt) || isSet(t.completedAt) || isSet(t.cancelledAt)) continue;
      yield isSet(t.startAt) ? { task_id, queue: t.queue, created_at: t.createdAt, team: t.startTeam } : { task_id, queue: t.queue, created_at: t.createdAt };
    }
  }

  /** Whether an event id was already taken. */
  hasEvent(id: string): boolean {
    return this.seen.has(id);
  }

  /** Takes one validated event; false when its `event_id` was seen before (a duplicate). */
  apply(event: OpsEvent): boolean {
    const at = Date.parse(event.occurred_at);
    if (!this.seen.add(event.event_id, Math.max(at, this.edges.now))) return false;
    this.applyAt(event, at);
    return true;
  }

  /** Moves the clock, and with it the window, forward to `nowMs`. */
  advance(nowMs: number): void {
    if (!(nowMs > this.edges.now)) return;
    const prevNow = this.edges.now;
    this.edges.now = nowMs;
    this.edges.lo = nowMs - this.windowMs;
    for (const q of this.queues.values()) {
      q.all.slide(prevNow);
      for (const agg of q.teams.values()) agg.slide(prevNow);
    }
    const day = Math.floor(nowMs / DAY_MS);
    if (day > this.forgottenDay) this.forgetBefore(nowMs - this.keepMs, day);
  }

  private applyAt(event: OpsEvent, at: number): void {
    if (event.type === 'staffing.updated') return this.applyStaffing(event, at);
    if (event.type === 'task.assigned') return; // changes no metric; validated and deduplicated only
    if (!this.queues.has(event.queue)) return;
    let task = this.tasks.get(event.task_id);
    if (!task) {
      task = newTask();
      this.tasks.set(event.task_id, task);
    }
    const before = contributionOf(task, this.scratchBefore);
    if (!foldTaskEvent(task, event, at)) return;
    moveContribution(before, contributionOf(task, this.scratchAfter), this.sink);
    if (isSet(task.completedAt) || isSet(task.cancelledAt)) this.rememberClosed(event.task_id, at);
  }

  private applyStaffing(event: StaffingEvent, at: number): void {
    const q = this.queues.get(event.queue);
    if (!q) return;
    this.staffingHistory.add(event.queue, event.team, at, event.event_id, event.agents);
    const current = q.staffing.get(event.team);
    // Latest wins; at the same instant the larger event id, mirroring `earlier`.
    if (current && (at < current.at || (at === current.at && event.event_id < current.eventId))) return;
    q.staffing.set(event.team, { at, eventId: event.event_id, agents: event.agents });
  }

  /** The engine's side of a contribution move: aggregates and minute buckets in memory. */
  private readonly sink: ContributionSink = {
    open: (queue, team, started, sign) => {
      const q = this.queues.get(queue)!;
      q.all.countOpen(started, sign);
      if (team) q.team(team).countOpen(started, sign);
    },
    waiting: (queue, createdAt, sign) => {
      const waiting = this.queues.get(queue)!.all.waitingCreated;
      if (sign > 0) waiting.add(createdAt);
      else waiting.delete(createdAt);
    },
    arrival: (queue, team, createdAt, sign) => {
      const q = this.queues.get(queue)!;
      if (team) return q.team(team).arrival(createdAt, sign);
      q.all.arrival(createdAt, sign);
      q.history.arrival(createdAt, sign);
    },
    completion: (queue, team, completedAt, sign) => {
      const q = this.queues.get(queue)!;
      if (team) return q.team(team).completion(completedAt, sign);
      q.all.completion(completedAt, sign);
      q.history.completion(completedAt, sign);
    },
    left: (queue, at, sign) => this.queues.get(queue)!.history.close(at, sign),
    start: (queue, team, startAt, waitMs, sign) => {
      const q = this.queues.get(queue)!;
      q.all.start(startAt, waitMs, sign);
      q.team(team).start(startAt, waitMs, sign);
      q.history.start(startAt, waitMs, sign);
      this.teamStartIndex.start(queue, team, startAt, waitMs, sign);
    },
  };

  private rememberClosed(taskId: string, at: number): void {
    const day = Math.floor(Math.max(at, this.edges.now) / DAY_MS);
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
    this.teamStartIndex.forgetBefore(cutoff);
    this.staffingHistory.forgetBefore(cutoff);
    this.seen.forgetBefore(cutoff);
  }

  /** The snapshot at `nowMs` (or at the engine's clock, if that is later). */
  snapshot(nowMs: number): MetricsSnapshot {
    this.advance(nowMs);
    return assembleSnapshot(this.config, this.edges.now, (queueId) => {
      const q = this.queues.get(queueId)!;
      const target = q.config.sla.target_seconds;
      const teams = new Map<string, MetricValues>();
      for (const [teamId, agg] of q.teams) teams.set(teamId, agg.read(target, q.staffed(teamId)));
      for (const teamId of q.staffing.keys()) {
        if (!teams.has(teamId)) teams.set(teamId, { ...emptyValues(), staffed_agents: q.staffed(teamId) });
      }
      return { all: q.all.read(target, q.staffed()), teams };
    });
  }

  /** First starts in (fromMs, toMs] per queue and team, with their waits (kept as long as the minute history). */
  teamStarts(fromMs: number, toMs: number): TeamStarts[] {
    return this.teamStartIndex.read(fromMs, toMs, (queue) => this.queues.get(queue)?.targetMs ?? Number.POSITIVE_INFINITY);
  }

  /** Staffing changes over [fromMs, toMs) (see MetricsStore.staffingHistory), kept as long as the minute history. */
  staffingChanges(fromMs: number, toMs: number): StaffingChange[] {
    return this.staffingHistory.read(fromMs, toMs);
  }

  /** Per-minute history of one queue, of a non-empty set combined, or of all queues combined when `queue` is undefined. */
  history(queue: string | readonly string[] | undefined, minutes: number, nowMs: number): MetricsHistory {
    this.advance(nowMs);
    // NOTE: an instant in the past is answered as of then (the same time last week): the minute
    // buckets are kept for the retention, and the backlog walks back from today's.
    const now = Math.min(nowMs, this.edges.now);
    const ids = queue === undefined ? [...this.queues.keys()] : typeof queue === 'string' ? [queue] : queue;
    const states = ids.map((id) => this.queues.get(id));
    if (states.length === 0 || !states.every((q) => q !== undefined)) throw new RangeError('unknown queue, or no queue');
    const series = states.map((q) => q.history.series(now, minutes, q.all.backlog));
    const combined: RawMinute[] = series[0].map((first, i) => {
      if (series.length === 1) return first;
      // NOTE: the waits stay in their sorted parts, one per queue: a burst minute is never copied
      // (a spread of 125k waits overflowed the call stack).
      const sortedWaits: Float64Array[] = [];
      const row = { minute: first.minute, arrivals: 0, completions: 0, backlog: 0, waits: [], sortedWaits, attained: 0 };
      for (const s of series) {
        row.arrivals += s[i].arrivals;
        row.completions += s[i].completions;
        row.backlog += s[i].backlog;
        row.attained += s[i].attained;
        for (const part of s[i].sortedWaits ?? [Float64Array.from(s[i].waits).sort()]) sortedWaits.push(part);
      }
      return row;
    });
    return {
      generated_at: new Date(now).toISOString(),
      queue: queue === undefined ? '*' : typeof queue === 'string' ? queue : queue.join(','),
      minutes,
      points: toHistoryPoints(combined),
    };
  }
}
