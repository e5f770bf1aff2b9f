/**
 * The lead's queue charts over 1 h, 8 h, 24 h and 7 days. `GET /api/metrics/history` answers one
 * point per minute (10,080 for a week); a chart shows at most ~170 buckets, each aggregated from
 * its minutes in a way that stays exact or says what it is:
 * - arrivals and completions: summed over the bucket (exact);
 * - backlog: at the bucket's end (exact);
 * - wait p50 and p90: the highest minute of the bucket ("peak minute"); quantiles of different
 *   minutes cannot be merged without the waits themselves, and a lead looks for the peaks;
 * - SLA attainment: the mean over the bucket's minutes that had starts ("mean of minutes"); the
 *   points carry no start counts to weight them.
 * With one-minute buckets (1 h) every value is the server's own.
 */
import type { HistoryPoint } from '../../contracts/metrics-snapshot';

export const RANGES = {
  '1h': { minutes: 60, bucketMinutes: 1, label: '1 h' },
  '8h': { minutes: 8 * 60, bucketMinutes: 5, label: '8 h' },
  '24h': { minutes: 24 * 60, bucketMinutes: 15, label: '24 h' },
  '7d': { minutes: 7 * 24 * 60, bucketMinutes: 60, label: '7 days' },
} as const;

export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];
export const DEFAULT_RANGE: RangeKey = '8h';

/** A range key from the URL, or the default. */
export function parseRange(value: string | null | undefined): RangeKey {
  return value && value in RANGES ? (value as RangeKey) : DEFAULT_RANGE;
}

export interface ChartPoint {
  /** Start of the bucket, epoch ms. */
  t: number;
  arrivals: number;
  completions: number;
  backlog: number;
  waitP50: number | null;
  waitP90: number | null;
  /** 0..100, for a percentage axis. */
  slaPercent: number | null;
}

const MINUTE_MS = 60_000;

/** Groups per-minute points into buckets of `bucketMinutes`, aligned to whole buckets (UTC). */
export function bucketHistory(points: readonly HistoryPoint[], bucketMinutes: number): ChartPoint[] {
  const size = bucketMinutes * MINUTE_MS;
  const buckets: ChartPoint[] = [];
  let current: (ChartPoint & { slaSum: number; slaCount: number; lastMinute: number }) | null = null;
  const close = (): void => {
    if (!current) return;
    const { slaSum, slaCount, lastMinute: _lastMinute, ...point } = current;
    buckets.push({ ...point, slaPercent: slaCount > 0 ? (slaSum / slaCount) * 100 : null });
  };
  for (const p of points) {
    const minute = Date.parse(p.minute);
    if (Number.isNaN(minute)) continue;
    const t = Math.floor(minute / size) * size;
    if (!current || current.t !== t) {
      close();
      current = { t, arrivals: 0, completions: 0, backlog: p.backlog, waitP50: null, waitP90: null, slaPercent: null, slaSum: 0, slaCount: 0, lastMinute: minute };
    }
    current.arrivals += p.arrivals;
    current.completions += p.completions;
    if (minute >= current.lastMinute) {
      current.backlog = p.backlog;
      current.lastMinute = minute;
    }
    current.waitP50 = maxOrNull(current.waitP50, p.wait_p50_seconds);
    current.waitP90 = maxOrNull(current.waitP90, p.wait_p90_seconds);
    if (p.sla_attainment != null) {
      current.slaSum += p.sla_attainment;
      current.slaCount += 1;
    }
  }
  close();
  return buckets;
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (b == null) return a;
  return a == null ? b : Math.max(a, b);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** An axis label for a bucket start: "09:05" within a day, "Tue 09:00" over a week. */
export function bucketLabel(t: number, range: RangeKey): string {
  const d = new Date(t);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return range === '7d' ? `${WEEKDAYS[d.getDay()]} ${time}` : time;
}

/** Where a range's time axis puts its ticks: round local times, a handful per chart. */
const TICK_STEP_MS: Record<RangeKey, number> = {
  '1h': 10 * MINUTE_MS,
  '8h': 60 * MINUTE_MS,
  '24h': 3 * 60 * MINUTE_MS,
  '7d': 24 * 60 * MINUTE_MS,
};

/** Tick positions (epoch ms) on whole local steps between `startMs` and `endMs`. */
export function timeTicks(startMs: number, endMs: number, range: RangeKey): number[] {
  const step = TICK_STEP_MS[range];
  // Local time: shift by the zone's offset, round, shift back (DST moves a tick by an hour at most).
  const offset = new Date(startMs).getTimezoneOffset() * MINUTE_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil((startMs - offset) / step) * step + offset; t <= endMs; t += step) ticks.push(t);
  return ticks;
}

const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 14_400, 21_600, 43_200, 86_400];

/** Ticks for a duration axis from 0 to at least `maxSeconds`: at most 5 steps of a round duration. */
export function durationTicks(maxSeconds: number): number[] {
  const max = Math.max(1, maxSeconds);
  const step = DURATION_STEPS.find((s) => max / s <= 5) ?? Math.ceil(max / 5 / 86_400) * 86_400;
  const count = Math.ceil(max / step);
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}
