/**
 * The pure logic of the lead's queue charts (client/src/chart-series.ts): gaps before the first
 * data, last week beside this week, the forecast per bucket, staffed against needed, the wait
 * scale and the day ticks. Checked against brute-force references on random inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayLabel, forecastPerBucket, isLone, markNoData, staffingPoints, waitScale, WEEK_MS, withLastWeek } from '../client/src/chart-series';
import { timeTicks, type ChartPoint } from '../client/src/history-buckets';
import type { ForecastInterval } from '../contracts/lead-charts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 0, 0);

const chartPoint = (t: number, p: Partial<ChartPoint> = {}): ChartPoint => ({ t, arrivals: 0, completions: 0, backlog: 0, waitP50: null, waitP90: null, slaPercent: null, ...p });

const bucket = fc.record({
  arrivals: fc.oneof(fc.constant(0), fc.nat(5)),
  completions: fc.oneof(fc.constant(0), fc.nat(5)),
  backlog: fc.oneof(fc.constant(0), fc.nat(20)),
  wait: fc.option(fc.nat(3000), { freq: 3 }),
});

describe('markNoData', () => {
  it('blanks exactly the buckets before the first one with anything recorded, and keeps the rest as they are', () => {
    fc.assert(
      fc.property(fc.array(bucket, { maxLength: 60 }), (raw) => {
        const points = raw.map((b, i) => chartPoint(T0 + i * 5 * MIN, { arrivals: b.arrivals, completions: b.completions, backlog: b.backlog, waitP50: b.wait, waitP90: b.wait, slaPercent: b.wait === null ? null : 100 }));
        const { points: shown, firstData } = markNoData(points);
        // Reference: walk until something is non-zero or a wait exists.
        let first = -1;
        for (let i = 0; i < raw.length && first < 0; i++) {
          const b = raw[i];
          if (b.arrivals + b.completions + b.backlog > 0 || b.wait !== null) first = i;
        }
        expect(firstData).toBe(first < 0 ? null : points[first].t);
        shown.forEach((s, i) => {
          expect(s.t).toBe(points[i].t);
          if (first < 0 || i < first) expect([s.arrivals, s.completions, s.backlog, s.waitP50, s.waitP90, s.slaPercent]).toEqual([null, null, null, null, null, null]);
          else expect([s.arrivals, s.completions, s.backlog, s.waitP90]).toEqual([points[i].arrivals, points[i].completions, points[i].backlog, points[i].waitP90]);
        });
      }),
    );
  });

  it('keeps a zero after the first data as a zero (a quiet spell is not missing data)', () => {
    const { points } = markNoData([chartPoint(T0), chartPoint(T0 + MIN, { arrivals: 2 }), chartPoint(T0 + 2 * MIN)]);
    expect(points.map((p) => p.arrivals)).toEqual([null, 2, 0]);
  });
});

describe('withLastWeek', () => {
  it('puts each bucket of a week earlier beside the bucket 7 days later, null where last week has none', () => {
    const now = markNoData([chartPoint(T0 + WEEK_MS, { arrivals: 1 }), chartPoint(T0 + WEEK_MS + 5 * MIN, { arrivals: 2 })]).points;
    const then = markNoData([chartPoint(T0, { arrivals: 7, backlog: 3 })]).points;
    const both = withLastWeek(now, then);
    expect(both.map((p) => [p.arrivals, p.lastWeekArrivals, p.lastWeekBacklog])).toEqual([
      [1, 7, 3],
      [2, null, null],
    ]);
  });
});

describe('forecastPerBucket', () => {
  const interval = (start: number, value: number | null): ForecastInterval => ({ start: new Date(start).toISOString(), forecast_arrivals: value, agents_needed: null, staffed_agents: 0 });

  it('spreads each 15-minute forecast evenly and sums the part in each bucket (reference: minute by minute)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { freq: 5 }), { minLength: 1, maxLength: 12 }), fc.constantFrom(1, 5, 15, 60), fc.nat(3), (values, size, skip) => {
        const intervals = values.map((v, i) => interval(T0 + i * 15 * MIN, v));
        const starts = Array.from({ length: Math.ceil((values.length * 15) / size) + skip }, (_, k) => T0 - skip * size * MIN + k * size * MIN);
        const got = forecastPerBucket(intervals, 15, starts, size);
        starts.forEach((t, k) => {
          // Minute by minute: each minute of an interval carries 1/15 of its forecast.
          let sum = 0;
          let covered = 0;
          let blank = false;
          for (let m = 0; m < size; m++) {
            const i = Math.floor((t + m * MIN - T0) / (15 * MIN));
            if (i < 0 || i >= values.length) continue;
            covered++;
            if (values[i] === null) blank = true;
            else sum += values[i]! / 15;
          }
          if (covered === 0 || blank) expect(got[k]).toBeNull();
          else expect(got[k]).toBeCloseTo(sum, 9);
        });
      }),
    );
  });
});

describe('staffingPoints', () => {
  it('gives one step per interval and holds the last one until the end', () => {
    const intervals: ForecastInterval[] = [
      { start: new Date(T0).toISOString(), forecast_arrivals: 3, agents_needed: 3, staffed_agents: 0 },
      { start: new Date(T0 + 15 * MIN).toISOString(), forecast_arrivals: null, agents_needed: null, staffed_agents: 2 },
    ];
    expect(staffingPoints(intervals, T0 + 20 * MIN)).toEqual([
      { t: T0, staffed: 0, needed: 3 },
      { t: T0 + 15 * MIN, staffed: 2, needed: null },
      { t: T0 + 20 * MIN, staffed: 2, needed: null },
    ]);
    expect(staffingPoints([], T0)).toEqual([]);
  });
});

describe('waitScale', () => {
  it('scales to the waits: a 4 h target over minutes of waiting stays off the scale', () => {
    const scale = waitScale([60, null, 300], 4 * 3600);
    expect(scale.targetOnScale).toBe(false);
    expect(scale.ticks.at(-1)).toBe(300);
    expect(scale.ticks.at(-1)! < 4 * 3600).toBe(true);
  });

  it('puts the target on the scale when it is within twice the highest wait', () => {
    const scale = waitScale([400, 500], 900);
    expect(scale.targetOnScale).toBe(true);
    expect(scale.ticks.at(-1)!).toBeGreaterThanOrEqual(900);
    expect(waitScale([400, 500], 1001).targetOnScale).toBe(false);
  });

  it('always reaches the highest wait, and the target exactly when it is on the scale', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.nat(20_000)), { maxLength: 30 }), fc.integer({ min: 1, max: 30_000 }), (waits, target) => {
        const { ticks, targetOnScale } = waitScale(waits, target);
        const highest = Math.max(0, ...waits.map((w) => w ?? 0));
        expect(ticks.at(-1)!).toBeGreaterThanOrEqual(highest);
        expect(targetOnScale).toBe(highest === 0 || target <= 2 * highest);
        if (targetOnScale) expect(ticks.at(-1)!).toBeGreaterThanOrEqual(target);
      }),
    );
  });
});

describe('day ticks over 7 days', () => {
  it('gives every day of the range its own label, "Mon 23"', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }), (offsetMinutes) => {
        const end = T0 + 30 * 24 * 60 * MIN + offsetMinutes * MIN;
        const ticks = timeTicks(end - WEEK_MS, end, '7d');
        const labels = ticks.map(dayLabel);
        expect(new Set(labels).size).toBe(labels.length);
        expect(labels.length).toBeGreaterThanOrEqual(7);
        for (const l of labels) expect(l).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d{1,2}$/);
      }),
    );
  });

  it('names the weekday and the date of the local day', () => {
    const monday = new Date(2026, 10, 23, 0, 0).getTime();
    expect(dayLabel(monday)).toBe('Mon 23');
    expect(dayLabel(monday + 24 * 60 * MIN)).toBe('Tue 24');
  });
});

describe('isLone', () => {
  it('marks a value with gaps on both sides only', () => {
    const values = [null, 5, null, 1, 2, null];
    expect(values.map((_, i) => isLone(values, i))).toEqual([false, true, false, false, false, false]);
  });
});
