import { describe, expect, it } from 'vitest';
import {
  ArrivalSeries,
  DAY_MS,
  forecastArrivals,
  INTERVAL_MS,
  meanAbsolutePercentageError,
  MINUTE_MS,
  WEEK_MS,
} from '../server/alerts/forecast.js';

// A Thursday, 10:00 UTC: inside the working day, so "today so far" is ten hours long.
const NOW = Date.parse('2026-11-26T10:00:00.000Z');

/** A deterministic weekly shape: arrivals per minute by day of week and hour. */
function pattern(ms: number): number {
  const d = new Date(ms);
  return 1 + (d.getUTCHours() % 6) + (d.getUTCDay() === 4 ? 2 : 0);
}

function fill(series: ArrivalSeries, fromMs: number, toMs: number, perMinute: (ms: number) => number): void {
  for (let t = fromMs; t < toMs; t += MINUTE_MS) series.set(t / MINUTE_MS, perMinute(t));
}

const sumPattern = (fromMs: number, toMs: number, factor = 1) => {
  let total = 0;
  for (let t = fromMs; t < toMs; t += MINUTE_MS) total += pattern(t) * factor;
  return total;
};

describe('forecast on a synthetic series with a known answer', () => {
  it('seasonal: the same weekday and time over past weeks, scaled by today so far', () => {
    const series = new ArrivalSeries();
    // Five weeks of the plain shape, then today running at exactly twice its usual level.
    const todayStart = Math.floor(NOW / DAY_MS) * DAY_MS;
    fill(series, NOW - 5 * WEEK_MS, todayStart, pattern);
    fill(series, todayStart, NOW, (t) => 2 * pattern(t));

    const f = forecastArrivals(series, NOW, { ratioPseudoCount: 0 });
    expect(f.method).toBe('seasonal');
    expect(f.weeksUsed).toBe(4);
    expect(f.scale).toBeCloseTo(2, 12);
    // Each 15-minute interval: twice what the same weekday and time held before.
    expect(f.intervals).toHaveLength(4);
    f.intervals.forEach((value, i) => {
      expect(value).toBeCloseTo(sumPattern(NOW + i * INTERVAL_MS, NOW + (i + 1) * INTERVAL_MS, 2), 9);
    });
    expect(f.lastInterval).toBeCloseTo(sumPattern(NOW - INTERVAL_MS, NOW, 2), 9);
  });

  it('seasonal: averages the weeks it has, and different weeks average out', () => {
    const series = new ArrivalSeries();
    // Two past weeks only: one at 1x, one at 3x the shape; today at 2x. Mean of the weeks = 2x.
    fill(series, NOW - 2 * WEEK_MS - DAY_MS, NOW - WEEK_MS - DAY_MS, (t) => pattern(t));
    fill(series, NOW - WEEK_MS - DAY_MS, NOW - DAY_MS, (t) => 3 * pattern(t));
    fill(series, NOW - DAY_MS, NOW, (t) => 2 * pattern(t));
    const f = forecastArrivals(series, NOW, { ratioPseudoCount: 0 });
    expect(f.weeksUsed).toBe(2);
    expect(f.scale).toBeCloseTo(1, 12);
    expect(f.intervals[0]).toBeCloseTo(sumPattern(NOW, NOW + INTERVAL_MS, 2), 9);
  });

  it('seasonal: the pseudo-count keeps a thin morning from swinging the ratio', () => {
    const series = new ArrivalSeries();
    const early = Date.parse('2026-11-26T00:30:00.000Z');
    fill(series, early - 5 * WEEK_MS, early - 3 * 60 * MINUTE_MS, () => 0.01);
    fill(series, early - 3 * 60 * MINUTE_MS, early, () => 0.05); // 5x, on 9 arrivals in 3 hours
    const f = forecastArrivals(series, early);
    expect(f.scale).toBeGreaterThan(1);
    expect(f.scale).toBeLessThan(1.5);
  });

  it('EWMA where history is short: the smoothed recent level, held flat', () => {
    const series = new ArrivalSeries();
    // Two hours known: seven intervals of 10 arrivals, then one of 40.
    const from = NOW - 8 * INTERVAL_MS;
    for (let k = 0; k < 8; k++) {
      const perInterval = k === 7 ? 40 : 10;
      fill(series, from + k * INTERVAL_MS, from + (k + 1) * INTERVAL_MS, () => perInterval / 15);
    }
    const f = forecastArrivals(series, NOW, { ewmaAlpha: 0.4 });
    expect(f.method).toBe('ewma');
    expect(f.weeksUsed).toBe(0);
    for (const value of f.intervals) expect(value).toBeCloseTo(0.4 * 40 + 0.6 * 10, 9);
    // The last interval is judged against what was expected before it arrived.
    expect(f.lastInterval).toBeCloseTo(10, 9);
  });

  it('EWMA only reads what the series knows, and an empty series forecasts nothing', () => {
    expect(forecastArrivals(new ArrivalSeries(), NOW).intervals).toEqual([0, 0, 0, 0]);
    const series = new ArrivalSeries();
    fill(series, NOW - 2 * INTERVAL_MS, NOW, () => 2);
    const f = forecastArrivals(series, NOW);
    expect(f.intervals[0]).toBeCloseTo(30, 9);
  });

  it('a ring of minutes forgets what is older than it holds', () => {
    const series = new ArrivalSeries(60);
    series.set(1000, 5);
    series.set(1060, 7); // same slot, a later minute
    expect(series.at(1000)).toBe(0);
    expect(series.at(1060)).toBe(7);
    expect(series.sum(1060 * MINUTE_MS, 1061 * MINUTE_MS)).toBe(7);
  });

  it('MAPE skips intervals whose actual is below the minimum', () => {
    const pairs = [
      { actual: 100, forecast: 90 },
      { actual: 50, forecast: 60 },
      { actual: 0, forecast: 5 },
    ];
    expect(meanAbsolutePercentageError(pairs)).toBeCloseTo((0.1 + 0.2) / 2, 12);
    expect(meanAbsolutePercentageError([])).toBeNaN();
  });
});
