/**
 * The metrics of one queue, or of one team on one queue, kept incrementally: counters for the
 * open tasks, and for the sliding window (lo, now] the sorted times of arrivals, completions and
 * first starts with their waits, so that a read costs a few binary searches, not a scan of tasks.
 * Times in the near future (up to 5 minutes, clock skew) wait above `now` until it reaches them.
 *
 * TRICKY: window entries at or below `lo` are removed as the window slides and never inserted
 * afterwards, so an entry is removed on retraction only if it is still above `lo`; a wait is in
 * `waits` exactly when its start is in (lo, now]. Both edges only grow, so insertion and removal
 * agree on which entries exist.
 */
import { SortedPairs } from './sorted-pairs.js';
import { nearestRankIndex, type MetricValues } from '../../contracts/metrics-snapshot.js';

/** The window (lo, now] shared by every aggregate of an engine; both edges only move forward. */
export interface WindowEdges {
  lo: number;
  now: number;
}

export class WindowAggregate {
  backlog = 0;
  inProgress = 0;
  /** Created times of waiting tasks (kept on queue aggregates only). */
  readonly waitingCreated = new SortedPairs();
  private readonly arrivals = new SortedPairs();
  private readonly completions = new SortedPairs();
  /** (first start, wait ms) of tasks whose first start is after `lo`, the near future included. */
  private readonly starts = new SortedPairs();
  /** Wait ms of the starts in (lo, now], for quantiles and attainment. */
  private readonly waits = new SortedPairs();

  constructor(private readonly edges: WindowEdges) {}

  countOpen(started: boolean, sign: number): void {
    this.backlog += sign;
    if (started) this.inProgress += sign;
  }

  arrival(createdAt: number, sign: number): void {
    if (createdAt > this.edges.lo) update(this.arrivals, createdAt, 0, sign);
  }

  completion(completedAt: number, sign: number): void {
    if (completedAt > this.edges.lo) update(this.completions, completedAt, 0, sign);
  }

  start(startAt: number, waitMs: number, sign: number): void {
    if (startAt <= this.edges.lo) return;
    update(this.starts, startAt, waitMs, sign);
    if (startAt <= this.edges.now) update(this.waits, waitMs, 0, sign);
  }

  /** Call after the engine moved its edges from (prevLo, prevNow] to the current ones. */
  slide(prevNow: number): void {
    const { lo, now } = this.edges;
    // Starts that have become due join the waits; then the old ones leave with the lower edge.
    if (now > prevNow) this.starts.forEachInKeyRange(prevNow, now, (_startAt, waitMs) => this.waits.add(waitMs, 0));
    this.arrivals.removeKeysUpTo(lo);
    this.completions.removeKeysUpTo(lo);
    this.starts.removeKeysUpTo(lo, (_startAt, waitMs) => this.waits.delete(waitMs, 0));
  }

  /** The SPEC section 3 values at the window's `now`, given the queue's SLA target in seconds. */
  read(targetSeconds: number, staffedAgents: number): MetricValues {
    const nowMs = this.edges.now;
    const targetMs = targetSeconds * 1000;
    const waiting = this.waitingCreated.size;
    // age > target  <=>  created < now - target; ages are compared in exact milliseconds.
    const breached = this.waitingCreated.countKeysBelow(nowMs - targetMs);
    // 0.8 * target in ms is exactly target * 800: integer arithmetic, no rounding at the edge.
    const pastRisk = this.waitingCreated.countKeysBelow(nowMs - targetSeconds * 800);
    const started = this.waits.size;
    return {
      backlog: this.backlog,
      waiting,
      in_progress: this.inProgress,
      oldest_wait_seconds: waiting === 0 ? 0 : Math.max(0, Math.floor((nowMs - this.waitingCreated.minKey()) / 1000)),
      breached,
      at_risk: pastRisk - breached,
      arrivals: this.arrivals.countKeysBelow(nowMs, true),
      started,
      completions: this.completions.countKeysBelow(nowMs, true),
      wait_p50_seconds: started === 0 ? null : this.waits.keyAt(nearestRankIndex(started, 0.5)) / 1000,
      wait_p90_seconds: started === 0 ? null : this.waits.keyAt(nearestRankIndex(started, 0.9)) / 1000,
      sla_attainment: started === 0 ? null : this.waits.countKeysBelow(targetMs, true) / started,
      staffed_agents: staffedAgents,
    };
  }
}

function update(set: SortedPairs, key: number, val: number, sign: number): void {
  if (sign > 0) set.add(key, val);
  else set.delete(key, val);
}
