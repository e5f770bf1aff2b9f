/**
 * The forecast of a queue over a past range, 15 minutes at a time, as the lead's charts draw it:
 * for each interval what `forecastArrivals` expected at its start (the alerting's own method and
 * series), the Erlang C agents that forecast needs, and the agents staffed. Pure.
 */
import type { QueueConfig } from '../../contracts/config.js';
import type { ForecastInterval } from '../../contracts/lead-charts.js';
import type { StaffingChange } from '../../streams/metrics-store.js';
import { agentsNeeded } from './erlang-c.js';
import { DAY_MS, forecastArrivals, INTERVAL_MS, MINUTE_MS, WEEK_MS, type ArrivalSeries, type ForecastOptions } from './forecast.js';

/** Interval starts (epoch ms, whole 15 minutes UTC) of every interval that overlaps (nowMs - minutes, nowMs]. */
export function intervalStarts(nowMs: number, minutes: number): number[] {
  const first = Math.floor((nowMs - minutes * MINUTE_MS) / INTERVAL_MS) * INTERVAL_MS;
  const starts: number[] = [];
  for (let t = first; t <= nowMs; t += INTERVAL_MS) starts.push(t);
  return starts;
}

/**
 * One forecast per interval start. An interval whose start the series does not reach back a whole
 * interval before has no forecast (null, not 0). The weeks averaged are limited to what the series
 * still holds (its ring forgets the oldest minutes), so forgotten minutes never read as zeros.
 */
export function forecastPlan(
  series: ArrivalSeries,
  queue: Pick<QueueConfig, 'handling_seconds' | 'sla'>,
  staffing: readonly StaffingChange[],
  starts: readonly number[],
  nowMs: number,
  options: ForecastOptions,
): ForecastInterval[] {
  const heldFrom = nowMs - series.retainMinutes * MINUTE_MS;
  const staffed = staffingAt(staffing, starts.map((s) => Math.min(nowMs, s + INTERVAL_MS)));
  return starts.map((start, i) => {
    if (start - INTERVAL_MS < series.firstMs) return { start: iso(start), forecast_arrivals: null, agents_needed: null, staffed_agents: staffed[i] };
    // The seasonal baseline reads `weeks` back from a ratio window of up to a day before `start`.
    const weeks = Math.max(0, Math.min(options.weeks, Math.floor((start - DAY_MS - INTERVAL_MS - heldFrom) / WEEK_MS)));
    const expected = forecastArrivals(series, start, { ...options, weeks }).intervals[0];
    const needed = agentsNeeded({
      arrivalsPerSecond: expected / (INTERVAL_MS / 1000),
      handlingSeconds: queue.handling_seconds,
      targetSeconds: queue.sla.target_seconds,
      goal: queue.sla.goal,
    });
    return { start: iso(start), forecast_arrivals: Math.round(expected * 10) / 10, agents_needed: needed, staffed_agents: staffed[i] };
  });
}

/**
 * Agents staffed (summed over teams) at each instant of `at` (ascending), from a queue's staffing
 * changes sorted by time: each team's latest change at or before the instant.
 */
export function staffingAt(changes: readonly StaffingChange[], at: readonly number[]): number[] {
  const agents = new Map<string, number>();
  let total = 0;
  let next = 0;
  return at.map((instant) => {
    for (; next < changes.length && changes[next].atMs <= instant; next++) {
      const c = changes[next];
      total += c.agents - (agents.get(c.team) ?? 0);
      agents.set(c.team, c.agents);
    }
    return total;
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();
