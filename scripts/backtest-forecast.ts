/**
 * `npm run backtest:forecast`: the arrivals forecast backtested on simulator data. Runs the
 * back-office model of the shipped configuration for `--weeks` weeks of history plus one test
 * week, then forecasts from every quarter hour of the test week and compares with what arrived.
 * Prints MAPE per queue: the next 15-minute interval and the next hour, seasonal (the forecast
 * the alerting uses) and EWMA only (what it falls back to without history), next to the floor
 * that Poisson noise sets: the model's own expected rate as the forecast. Numbers, never asserted.
 * Usage: npm run backtest:forecast [-- --weeks 4 --seed 7 --min-actual 5]
 */
import { parseArgs } from 'node:util';
import { ArrivalSeries, forecastArrivals, HORIZON_INTERVALS, INTERVAL_MS, meanAbsolutePercentageError, MINUTE_MS, WEEK_MS } from '../server/alerts/forecast.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { arrivalsPerHour, profileFor } from '../seed/profiles.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { loadConfig } from '../contracts/config.js';

const { values } = parseArgs({
  options: {
    weeks: { type: 'string', default: '4' },
    seed: { type: 'string', default: '7' },
    'min-actual': { type: 'string', default: '5' },
  },
});
const weeks = Number(values.weeks);
const minActual = Number(values['min-actual']);
const config = loadConfig(process.env.OPS_CONFIG ?? DEFAULT_CONFIG_PATH);

// Start on a Monday 00:00 UTC so every week of history has the same shape.
const start = Date.parse('2026-10-05T00:00:00.000Z');
const testStart = start + weeks * WEEK_MS;
const end = testStart + WEEK_MS;

const series = new Map(config.queues.map((q) => [q.id, new ArrivalSeries()]));
const model = new BackOfficeModel({ config, startMs: start, seed: Number(values.seed) });
const t0 = performance.now();
for (let t = start; t < end + 2 * 3600_000; ) {
  t = Math.min(t + 6 * 3600_000, end + 2 * 3600_000);
  for (const e of model.advanceTo(t)) {
    if (e.type !== 'task.created') continue;
    const s = series.get(e.queue)!;
    const minute = Math.floor(Date.parse(e.occurred_at) / MINUTE_MS);
    s.set(minute, s.at(minute) + 1);
  }
}
console.log(`simulated ${weeks + 1} weeks of ${config.queues.length} queues in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${values.seed})`);

type Pair = { actual: number; forecast: number };
const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const rows: string[][] = [];
for (const queue of config.queues) {
  const s = series.get(queue.id)!;
  const seasonal15: Pair[] = [];
  const seasonal60: Pair[] = [];
  const ewma15: Pair[] = [];
  const ewma60: Pair[] = [];
  const dayHours15: Pair[] = [];
  const oracle15: Pair[] = [];
  const oracle60: Pair[] = [];
  const profile = profileFor(queue);
  const expected = (from: number) => (arrivalsPerHour(profile, from) * INTERVAL_MS) / 3600_000;
  for (let now = testStart; now < end; now += INTERVAL_MS) {
    const f = forecastArrivals(s, now);
    const e = forecastArrivals(s, now, { weeks: 0 });
    const actuals = Array.from({ length: HORIZON_INTERVALS }, (_, i) => s.sum(now + i * INTERVAL_MS, now + (i + 1) * INTERVAL_MS));
    const hour = actuals.reduce((a, b) => a + b, 0);
    seasonal15.push({ actual: actuals[0], forecast: f.intervals[0] });
    seasonal60.push({ actual: hour, forecast: f.intervals.reduce((a, b) => a + b, 0) });
    ewma15.push({ actual: actuals[0], forecast: e.intervals[0] });
    ewma60.push({ actual: hour, forecast: e.intervals.reduce((a, b) => a + b, 0) });
    oracle15.push({ actual: actuals[0], forecast: expected(now) });
    oracle60.push({ actual: hour, forecast: actuals.reduce((sum, _, i) => sum + expected(now + i * INTERVAL_MS), 0) });
    const h = new Date(now).getUTCHours();
    if (h >= 7 && h < 19) dayHours15.push({ actual: actuals[0], forecast: f.intervals[0] });
  }
  rows.push([
    queue.id,
    pct(meanAbsolutePercentageError(seasonal15, minActual)),
    pct(meanAbsolutePercentageError(dayHours15, minActual)),
    pct(meanAbsolutePercentageError(seasonal60, minActual)),
    pct(meanAbsolutePercentageError(ewma15, minActual)),
    pct(meanAbsolutePercentageError(ewma60, minActual)),
    pct(meanAbsolutePercentageError(oracle15, minActual)),
    pct(meanAbsolutePercentageError(oracle60, minActual)),
  ]);
}
const header = ['queue', 'seasonal 15 min', 'seasonal 15 min, 07-19 UTC', 'seasonal 60 min', 'EWMA 15 min', 'EWMA 60 min', 'noise floor 15 min', 'noise floor 60 min'];
console.log(`MAPE over the test week, intervals with at least ${minActual} arrivals, ${weeks} weeks of history:`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
