/**
 * Per-minute buckets of one queue for `GET /api/metrics/history`: arrivals, completions, the
 * tasks that left the backlog, and the waits of tasks first started in each minute. Minute m
 * covers [m * 60 s, (m + 1) * 60 s).
 */
import { nearestRankIndex, type HistoryPoint } from '../../contracts/metrics-snapshot.js';

export const MINUTE_MS = 60_000;

interface MinuteBucket {
  arrivals: number;
  completions: number;
  /** Tasks that left the backlog in this minute: at max(created, closed). */
  closes: number;
  /** Waits (ms) of tasks whose first start falls in this minute, unordered. */
  waits: number[];
  /** How many of `waits` are within the SLA target. */
  attained: number;
  /** `waits` sorted, kept until they change: a burst minute is sorted once, not on every read. */
  sorted: Float64Array | undefined;
}

export class MinuteHistory {
  private readonly buckets = new Map<number, MinuteBucket>();
  /** Minutes before this one are forgotten and never written again. */
  private floorMinute = Number.NEGATIVE_INFINITY;

  constructor(private readonly targetMs: number) {}

  /** The bucket touched last: events of one task and of one batch mostly share a minute. */
  private lastMinute = Number.NaN;
  private lastBucket: MinuteBucket | undefined;

  private bucket(atMs: number, sign: number): MinuteBucket | undefined {
    const minute = Math.floor(atMs / MINUTE_MS);
    if (minute === this.lastMinute && this.lastBucket) return this.lastBucket;
    if (minute < this.floorMinute) return undefined;
    let bucket = this.buckets.get(minute);
    if (!bucket && sign > 0) {
      bucket = { arrivals: 0, completions: 0, closes: 0, waits: [], attained: 0, sorted: undefined };
      this.buckets.set(minute, bucket);
    }
    this.lastMinute = minute;
    this.lastBucket = bucket;
    return bucket;
  }

  arrival(atMs: number, sign: number): void {
    const b = this.bucket(atMs, sign);
    if (b) b.arrivals += sign;
  }

  completion(atMs: number, sign: number): void {
    const b = this.bucket(atMs, sign);
    if (b) b.completions += sign;
  }

  close(atMs: number, sign: number): void {
    const b = this.bucket(atMs, sign);
    if (b) b.closes += sign;
  }

  start(atMs: number, waitMs: number, sign: number): void {
    const b = this.bucket(atMs, sign);
    if (!b) return;
    b.sorted = undefined;
    if (sign > 0) b.waits.push(waitMs);
    else {
      const i = b.waits.indexOf(waitMs);
      if (i < 0) return;
      b.waits[i] = b.waits[b.waits.length - 1];
      b.waits.pop();
    }
    if (waitMs <= this.targetMs) b.attained += sign;
  }

  /** Forgets every minute before `minute`. */
  forgetBefore(minute: number): void {
    if (minute <= this.floorMinute) return;
    this.floorMinute = minute;
    this.lastBucket = undefined;
    for (const m of this.buckets.keys()) if (m < minute) this.buckets.delete(m);
  }

  /**
   * Raw per-minute values for the `minutes` minutes up to the one holding `nowMs`. The backlog at
   * each minute's end is walked back from `backlog`, the open tasks after every event taken,
   * through the minutes after it (near-future minutes included).
   */
  series(nowMs: number, minutes: number, backlogAll: number): RawMinute[] {
    const last = Math.floor(nowMs / MINUTE_MS);
    const out: RawMinute[] = new Array(minutes);
    let backlog = backlogAll;
    for (const [minute, b] of this.buckets) if (minute > last) backlog -= b.arrivals - b.closes;
    for (let i = minutes - 1; i >= 0; i--) {
      const minute = last - (minutes - 1 - i);
      const b = this.buckets.get(minute);
      out[i] = {
        minute,
        arrivals: b?.arrivals ?? 0,
        completions: b?.completions ?? 0,
        backlog,
        waits: [],
        sortedWaits: b ? [sortedWaits(b)] : [],
        attained: b?.attained ?? 0,
      };
      if (b) backlog -= b.arrivals - b.closes;
    }
    return out;
  }
}

function sortedWaits(b: MinuteBucket): Float64Array {
  b.sorted ??= Float64Array.from(b.waits).sort();
  return b.sorted;
}

export interface RawMinute {
  minute: number;
  arrivals: number;
  completions: number;
  backlog: number;
  /** Waits (ms) of the minute, unordered; ignored when `sortedWaits` is given. */
  waits: readonly number[];
  /** The waits as sorted parts (one per queue), so that several queues combine without copying. */
  sortedWaits?: readonly Float64Array[];
  attained: number;
}

/** Turns raw minutes (one queue, or several summed) into API points. */
export function toHistoryPoints(rows: readonly RawMinute[]): HistoryPoint[] {
  return rows.map((r) => {
    const parts = r.sortedWaits ?? [Float64Array.from(r.waits).sort()];
    let n = 0;
    for (const part of parts) n += part.length;
    const p50 = n === 0 ? null : selectRank(parts, nearestRankIndex(n, 0.5));
    const p90 = n === 0 ? null : selectRank(parts, nearestRankIndex(n, 0.9));
    return {
      minute: new Date(r.minute * MINUTE_MS).toISOString(),
      arrivals: r.arrivals,
      completions: r.completions,
      backlog: r.backlog,
      wait_p50_seconds: p50 === null ? null : p50 / 1000,
      wait_p90_seconds: p90 === null ? null : p90 / 1000,
      sla_attainment: n === 0 ? null : r.attained / n,
    };
  });
}

/**
 * The k-th smallest value (0-based) of the union of sorted parts, without merging them: for each
 * part, the largest value with at most k values below it in the union; the answer is the largest
 * of those. Cost O((parts * log n)^2), whatever the number of values.
 */
export function selectRank(parts: readonly Float64Array[], k: number): number {
  if (parts.length === 1) return parts[0][k];
  const below = (v: number) => {
    let count = 0;
    for (const part of parts) count += lowerBound(part, v);
    return count;
  };
  let best = Number.NEGATIVE_INFINITY;
  for (const part of parts) {
    let lo = 0;
    let hi = part.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (below(part[mid]) <= k) {
        if (part[mid] > best) best = part[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }
  return best;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
