/**
 * What the lead's queue charts draw beyond the buckets themselves (history-buckets.ts): where the
 * store has no data yet (a gap, never zeros), the same time last week, the alerting's forecast per
 * bucket, staffed agents against agents needed, a wait axis scaled to the waits, and day ticks.
 */
import type { ForecastInterval } from '../../contracts/lead-charts';
import { durationTicks, type ChartPoint } from './history-buckets';

const MINUTE_MS = 60_000;
export const WEEK_MS = 7 * 24 * 60 * MINUTE_MS;

/** A bucket as drawn: null where there is nothing to draw (no data, no forecast, no last week). */
export interface ShownPoint {
  t: number;
  arrivals: number | null;
  completions: number | null;
  backlog: number | null;
  waitP50: number | null;
  waitP90: number | null;
  slaPercent: number | null;
  forecast: number | null;
  lastWeekArrivals: number | null;
  lastWeekBacklog: number | null;
}

const recorded = (p: ChartPoint): boolean => p.arrivals > 0 || p.completions > 0 || p.backlog > 0 || p.waitP50 !== null;

/**
 * The buckets before the first one with anything recorded (an arrival, a completion, a backlog, a
 * start) become gaps: the store holds nothing there, so 0 would be a claim it cannot make.
 * `firstData`: the start of the first recorded bucket (null when none is).
 */
export function markNoData(points: readonly ChartPoint[]): { points: ShownPoint[]; firstData: number | null } {
  const first = points.findIndex(recorded);
  const shown = points.map((p, i): ShownPoint => {
    const blank = first < 0 || i < first;
    return {
      t: p.t,
      arrivals: blank ? null : p.arrivals,
      completions: blank ? null : p.completions,
      backlog: blank ? null : p.backlog,
      waitP50: blank ? null : p.waitP50,
      waitP90: blank ? null : p.waitP90,
      slaPercent: blank ? null : p.slaPercent,
      forecast: null,
      lastWeekArrivals: null,
      lastWeekBacklog: null,
    };
  });
  return { points: shown, firstData: first < 0 ? null : points[first].t };
}

/** Puts last week's arrivals and backlog (already gap-marked) beside the buckets a week later. */
export function withLastWeek(points: readonly ShownPoint[], lastWeek: readonly ShownPoint[]): ShownPoint[] {
  const byTime = new Map(lastWeek.map((p) => [p.t + WEEK_MS, p]));
  return points.map((p) => {
    const then = byTime.get(p.t);
    return { ...p, lastWeekArrivals: then?.arrivals ?? null, lastWeekBacklog: then?.backlog ?? null };
  });
}

/**
 * The forecast arrivals of each bucket of `bucketMinutes` starting at `starts`: the 15-minute
 * forecasts spread evenly over their interval, summed over the part that overlaps the bucket.
 * Null where no interval overlaps or an overlapping one has no forecast.
 */
export function forecastPerBucket(intervals: readonly ForecastInterval[], intervalMinutes: number, starts: readonly number[], bucketMinutes: number): (number | null)[] {
  const span = intervalMinutes * MINUTE_MS;
  const size = bucketMinutes * MINUTE_MS;
  const parsed = intervals.map((i) => ({ from: Date.parse(i.start), value: i.forecast_arrivals }));
  return starts.map((t) => {
    let sum = 0;
    let overlapping = 0;
    for (const { from, value } of parsed) {
      const overlap = Math.min(t + size, from + span) - Math.max(t, from);
      if (overlap <= 0) continue;
      if (value === null) return null;
      sum += (value * overlap) / span;
      overlapping++;
    }
    return overlapping === 0 ? null : sum;
  });
}

export interface StaffingPoint {
  t: number;
  staffed: number;
  needed: number | null;
}

/** Staffed against needed as steps: one point per interval, and the last held until `endMs`. */
export function staffingPoints(intervals: readonly ForecastInterval[], endMs: number): StaffingPoint[] {
  const points = intervals.map((i) => ({ t: Date.parse(i.start), staffed: i.staffed_agents, needed: i.agents_needed }));
  const last = points.at(-1);
  if (last && last.t < endMs) points.push({ ...last, t: endMs });
  return points;
}

/**
 * The wait axis: scaled to the waits drawn, with the SLA target on it only when it is within twice
 * the highest wait (a 4 h target would flatten minutes of waiting into the floor).
 */
export function waitScale(waits: readonly (number | null)[], targetSeconds: number | undefined): { ticks: number[]; targetOnScale: boolean } {
  const highest = Math.max(0, ...waits.map((w) => w ?? 0));
  const targetOnScale = targetSeconds !== undefined && (highest === 0 || targetSeconds <= 2 * highest);
  return { ticks: durationTicks(targetOnScale ? Math.max(highest, targetSeconds) : highest), targetOnScale };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A day's axis label, local time: "Mon 23". */
export function dayLabel(t: number): string {
  const d = new Date(t);
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()}`;
}

/** Whether the value at `i` stands alone between gaps: a line draws nothing there, so it needs a dot. */
export function isLone(values: readonly (number | null)[], i: number): boolean {
  return values[i] != null && values[i - 1] == null && values[i + 1] == null;
}
