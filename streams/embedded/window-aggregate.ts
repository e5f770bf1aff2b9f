/**
 * The metrics of one queue, or of one team on one queue, kept incrementally: counters for the
 * open tasks, and for the sliding window (lo, now] the sorted times of arrivals, completions and
 * first starts with their waits, so that a read costs a few binary searches, not a scan of tasks.
 *
 * TRICKY: window entries at or below `lo` are removed as the window slides and never inserted
 * afterwards, so an entry is removed on retraction only if it is still above `lo`. Since `lo` only
 * grows, insertion and removal agree on which entries exist.
 */
import { SortedPairs } from './sorted-pairs.js';
import { nearestRankIndex, type MetricValues } from '../metrics-snapshot.js';

export class WindowAggregate {
  backlog = 0;
  inProgress = 0;
  /** Created times of waiting tasks (kept on queue aggregates only). */
  readonly waitingCreated = new SortedPairs();
  private readonly arrivals = new SortedPairs();
  private readonly completions = new SortedPairs();
  /** (first start, wait ms) of tasks whose first start is in the window. */
  private readonly starts = new SortedPairs();
  /** Wait ms of the same tasks, for quantiles and attainment. */
  private readonly waits = new SortedPairs();

  countOpen(started: boolean, sign: number): void {
    this.backlog += sign;
    if (started) this.inProgress += sign;
  }

  arrival(createdAt: number, lo: number, sign: number): void {
    if (createdAt > lo) update(this.arrivals, createdAt, 0, sign);
  }

  completion(completedAt: number, lo: number, sign: number): void {
    if (completedAt > lo) update(this.completions, completedAt, 0, sign);
  }

  start(startAt: number, waitMs: number, lo: number, sign: number): void {
    if (startAt <= lo) return;
    update(this.starts, startAt, waitMs, sign);
    update(this.waits, waitMs, 0, sign);
  }

  /** Moves the window's lower edge to `lo` (exclusive). */
  slide(lo: number): void {
    this.arrivals.removeKeysUpTo(lo);
    this.completions.removeKeysUpTo(lo);
    this.starts.removeKeysUpTo(lo, (_startAt, waitMs) => this.waits.delete(waitMs, 0));
  }

  /** The SPEC section 3 values at `now`, given the queue's SLA target in seconds. */
  read(nowMs: number, targetSeconds: number, staffedAgents: number): MetricValues {
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
      arrivals: this.arrivals.size,
      started,
      completions: this.completions.size,
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
