/**
 * Arrivals forecast per queue for the next hour, in four 15-minute intervals.
 *
 * Seasonal when there is history: the same weekday and time of day over the past weeks (mean of
 * up to `weeks`), scaled by today's actual-to-forecast ratio so far (intraday reforecast: a busy
 * day stays busy). Where history is shorter than a week, an EWMA of the recent 15-minute counts,
 * held flat over the hour.
 *
 * Pure over an `ArrivalSeries`: per-minute arrivals the alerting keeps from the store's history.
 */

export const MINUTE_MS = 60_000;
export const INTERVAL_MS = 15 * MINUTE_MS;
export const HORIZON_INTERVALS = 4;
export const DAY_MS = 24 * 60 * MINUTE_MS;
export const WEEK_MS = 7 * DAY_MS;

/**
 * Per-minute arrivals of one queue over a bounded past (a ring of minutes). A minute never set
 * reads as 0; `firstMinute` says how far back the series really knows.
 */
export class ArrivalSeries {
  private readonly counts: Float64Array;
  private readonly minutes: Float64Array;
  private first = Number.POSITIVE_INFINITY;

  constructor(readonly retainMinutes: number = 5 * 7 * 24 * 60) {
    this.counts = new Float64Array(retainMinutes);
    this.minutes = new Float64Array(retainMinutes).fill(Number.NaN);
  }

  /** Sets (overwrites) the arrivals of minute `minute` (epoch minutes). */
  set(minute: number, arrivals: number): void {
    const slot = minute % this.retainMinutes;
    this.counts[slot] = arrivals;
    this.minutes[slot] = minute;
    if (minute < this.first) this.first = minute;
  }

  /** Arrivals of one minute (0 when unknown). */
  at(minute: number): number {
    const slot = minute % this.retainMinutes;
    return this.minutes[slot] === minute ? this.counts[slot] : 0;
  }

  /** Sum over the minutes in [fromMs, toMs), whole minutes. */
  sum(fromMs: number, toMs: number): number {
    let total = 0;
    for (let m = Math.ceil(fromMs / MINUTE_MS); m < Math.ceil(toMs / MINUTE_MS); m++) total += this.at(m);
    return total;
  }

  /** The earliest instant the series knows (Infinity when empty). */
  get firstMs(): number {
    return this.first * MINUTE_MS;
  }
}

export interface ForecastOptions {
  /** Past weeks averaged by the seasonal forecast (default 4). */
  weeks: number;
  /** EWMA smoothing per 15-minute interval (default 0.4). */
  ewmaAlpha: number;
  /** Intervals the EWMA looks back over (default 8: two hours). */
  ewmaIntervals: number;
  /** The intraday ratio looks back to the start of the UTC day, but at least this far (default 3 h). */
  minRatioWindowMs: number;
  /** Arrivals added to both sides of the intraday ratio so a thin morning does not swing it (default 20). */
  ratioPseudoCount: number;
  /** The ratio is kept within [1 / maxRatio, maxRatio] (default 4). */
  maxRatio: number;
}

export const DEFAULT_FORECAST: ForecastOptions = {
  weeks: 4,
  ewmaAlpha: 0.4,
  ewmaIntervals: 8,
  minRatioWindowMs: 3 * 60 * MINUTE_MS,
  ratioPseudoCount: 20,
  maxRatio: 4,
};

export interface Forecast {
  method: 'seasonal' | 'ewma';
  /** Expected arrivals in [now + i·15 min, now + (i + 1)·15 min), i = 0..3. */
  intervals: number[];
  /** What the same method expected for [now - 15 min, now), from what it knew before then. */
  lastInterval: number;
  /** Seasonal: the intraday ratio applied; EWMA: 1. */
  scale: number;
  /** Seasonal: the past weeks averaged; EWMA: 0. */
  weeksUsed: number;
}

/** Forecasts the next hour of one queue at instant `nowMs`. */
export function forecastArrivals(series: ArrivalSeries, nowMs: number, options: Partial<ForecastOptions> = {}): Forecast {
  const o = { ...DEFAULT_FORECAST, ...options };
  const weeks = usableWeeks(series, nowMs, o);
  if (weeks === 0) return ewmaForecast(series, nowMs, o);

  const baseline = (fromMs: number, toMs: number) => {
    let total = 0;
    for (let k = 1; k <= weeks; k++) total += series.sum(fromMs - k * WEEK_MS, toMs - k * WEEK_MS);
    return total / weeks;
  };
  const ratioAt = (untilMs: number) => {
    const from = Math.min(Math.floor(untilMs / DAY_MS) * DAY_MS, untilMs - o.minRatioWindowMs);
    const ratio = (series.sum(from, untilMs) + o.ratioPseudoCount) / (baseline(from, untilMs) + o.ratioPseudoCount);
    return Math.min(o.maxRatio, Math.max(1 / o.maxRatio, ratio));
  };
  const scale = ratioAt(nowMs);
  const intervals: number[] = [];
  for (let i = 0; i < HORIZON_INTERVALS; i++) {
    intervals.push(baseline(nowMs + i * INTERVAL_MS, nowMs + (i + 1) * INTERVAL_MS) * scale);
  }
  const lastInterval = baseline(nowMs - INTERVAL_MS, nowMs) * ratioAt(nowMs - INTERVAL_MS);
  return { method: 'seasonal', intervals, lastInterval, scale, weeksUsed: weeks };
}

/** How many past weeks the series covers, from the start of the ratio window to the horizon. */
function usableWeeks(series: ArrivalSeries, nowMs: number, o: ForecastOptions): number {
  const windowStart = Math.min(Math.floor(nowMs / DAY_MS) * DAY_MS, nowMs - o.minRatioWindowMs) - INTERVAL_MS;
  let weeks = 0;
  while (weeks < o.weeks && series.firstMs <= windowStart - (weeks + 1) * WEEK_MS) weeks++;
  return weeks;
}

/** EWMA of the 15-minute counts before `untilMs`, over what the series knows. */
function ewmaUntil(series: ArrivalSeries, untilMs: number, o: ForecastOptions): number {
  let level: number | undefined;
  for (let k = o.ewmaIntervals; k >= 1; k--) {
    const from = untilMs - k * INTERVAL_MS;
    if (from < series.firstMs) continue;
    const x = series.sum(from, from + INTERVAL_MS);
    level = level === undefined ? x : o.ewmaAlpha * x + (1 - o.ewmaAlpha) * level;
  }
  return level ?? 0;
}

function ewmaForecast(series: ArrivalSeries, nowMs: number, o: ForecastOptions): Forecast {
  const level = ewmaUntil(series, nowMs, o);
  return {
    method: 'ewma',
    intervals: Array.from({ length: HORIZON_INTERVALS }, () => level),
    lastInterval: ewmaUntil(series, nowMs - INTERVAL_MS, o),
    scale: 1,
    weeksUsed: 0,
  };
}

/** Absolute percentage error of each (actual, forecast) pair with an actual of at least `minActual`, averaged. */
export function meanAbsolutePercentageError(pairs: readonly { actual: number; forecast: number }[], minActual = 1): number {
  let sum = 0;
  let n = 0;
  for (const { actual, forecast } of pairs) {
    if (actual < minActual) continue;
    sum += Math.abs(actual - forecast) / actual;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}
