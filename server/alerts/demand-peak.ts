/**
 * The demand-peak rule of one queue (issue 5): Erlang C agents needed for the forecast against the
 * agents staffed, the projected SLA, and when a waiting task will pass the target.
 *
 * Raise: agents needed exceed staffed agents over the coming hour, and either arrivals of the last
 * 15 minutes exceed their forecast by 25% or the projected SLA is below goal.
 * Clear: a separate, stricter recovery threshold, so that a queue hovering at the raise threshold
 * does not flap: no shortfall, the projected SLA at goal, and arrivals back within 10% of forecast.
 * In between ("hold"), an alert keeps the state it has.
 */
import type { QueueConfig } from '../../contracts/config.js';
import type { QueueMetrics } from '../../contracts/metrics-snapshot.js';
import type { PeakMeasures } from '../../contracts/alerts.js';
import { agentsNeeded, erlangC, serviceLevel } from './erlang-c.js';
import { INTERVAL_MS, type Forecast } from './forecast.js';

export interface PeakRule {
  /** Arrivals over forecast that count as a surge (default 1.25). */
  surgeRatio: number;
  /** Arrivals over forecast below which the surge is over (default 1.10). */
  recoveryRatio: number;
  /** How far ahead time to breach looks before it says "not expected" (default 8 h). */
  breachHorizonMinutes: number;
}

export const DEFAULT_PEAK_RULE: PeakRule = { surgeRatio: 1.25, recoveryRatio: 1.1, breachHorizonMinutes: 8 * 60 };

export type Verdict = 'raise' | 'hold' | 'clear';

export interface PeakAssessment {
  verdict: Verdict;
  measures: PeakMeasures;
}

export interface PeakInput {
  queue: QueueConfig;
  metrics: Pick<QueueMetrics, 'waiting' | 'oldest_wait_seconds' | 'breached' | 'staffed_agents'>;
  forecast: Forecast;
  arrivalsLast15m: number;
}

const INTERVAL_SECONDS = INTERVAL_MS / 1000;

/** Assesses one queue at one instant. Pure. */
export function assessDemandPeak(input: PeakInput, rule: PeakRule = DEFAULT_PEAK_RULE): PeakAssessment {
  const { queue, metrics, forecast } = input;
  const aht = queue.handling_seconds;
  const target = queue.sla.target_seconds;
  const goal = queue.sla.goal;
  const staffed = metrics.staffed_agents;

  const rates = forecast.intervals.map((n) => n / INTERVAL_SECONDS);
  const needed = Math.max(0, ...rates.map((rate) => agentsNeeded({ arrivalsPerSecond: rate, handlingSeconds: aht, targetSeconds: target, goal })));
  const projectedSla = projectSla(rates, staffed, aht, target, metrics.waiting);
  const timeToBreach = minutesToBreach(input, rates, rule);

  const expectedLast = forecast.lastInterval;
  // NOTE: with (almost) nothing expected, a handful of arrivals is no surge: compare with at least one.
  const surge = input.arrivalsLast15m / Math.max(1, expectedLast);
  const shortfall = needed - staffed;

  let verdict: Verdict = 'hold';
  if (shortfall > 0 && (surge > rule.surgeRatio || projectedSla < goal)) verdict = 'raise';
  else if (shortfall <= 0 && projectedSla >= goal && surge <= rule.recoveryRatio) verdict = 'clear';

  return {
    verdict,
    measures: {
      agents_needed: needed,
      staffed_agents: staffed,
      shortfall,
      arrivals_last_15m: input.arrivalsLast15m,
      forecast_last_15m: round(expectedLast, 1),
      forecast_next_60m: round(forecast.intervals.reduce((a, b) => a + b, 0), 1),
      forecast_method: forecast.method,
      projected_sla: round(projectedSla, 4),
      sla_goal: goal,
      time_to_breach_minutes: timeToBreach,
    },
  };
}

/**
 * Share of the coming hour's arrivals expected to start within the target with today's staff.
 * Minute by minute, a task arriving first waits for the line ahead of it (the part of today's line
 * beyond its steady-state length, then growing or draining with forecast arrivals against what the
 * staffed agents finish); on top of that wait, Erlang C gives the chance of starting within what
 * is left of the target. Where the agents cannot keep up (N <= A) the line alone decides.
 * NOTE: plain steady-state Erlang C would say 0% for any temporary overload, even on a queue with
 * a 4-hour target that the line will not come near.
 */
function projectSla(rates: number[], staffed: number, aht: number, target: number, waiting: number): number {
  const total = rates.reduce((a, b) => a + b, 0);
  if (total === 0) return 1;
  if (staffed === 0) return 0;
  const serviceRate = staffed / aht;
  const erlangs0 = rates[0] * aht;
  const steadyLine = staffed > erlangs0 ? (erlangC(staffed, erlangs0) * erlangs0) / (staffed - erlangs0) : 0;
  let line = Math.max(0, waiting - steadyLine);
  let weighted = 0;
  let arrivals = 0;
  for (let minute = 0; minute < rates.length * (INTERVAL_SECONDS / 60); minute++) {
    const rate = rates[Math.floor((minute * 60) / INTERVAL_SECONDS)];
    const erlangs = rate * aht;
    const wait = line / serviceRate;
    const level = staffed > erlangs ? serviceLevel(staffed, erlangs, target - wait, aht) : wait <= target ? 1 : 0;
    weighted += rate * level;
    arrivals += rate;
    line = Math.max(0, line + (rate - serviceRate) * 60);
  }
  return arrivals === 0 ? 1 : weighted / arrivals;
}

/**
 * Minutes until a waiting task passes the target: 0 when one already has; else the earlier of
 * the oldest waiting task reaching the target before an agent is expected to free up for it, and
 * the projected line (today's waiting tasks plus forecast arrivals minus what the staffed agents
 * finish) growing longer than the staffed agents clear within the target. Null when neither
 * happens within the horizon.
 */
function minutesToBreach(input: PeakInput, rates: number[], rule: PeakRule): number | null {
  const { metrics, queue } = input;
  const aht = queue.handling_seconds;
  const target = queue.sla.target_seconds;
  const staffed = metrics.staffed_agents;
  if (metrics.breached > 0) return 0;

  const candidates: number[] = [];
  if (metrics.waiting > 0) {
    const headStartsIn = staffed > 0 ? aht / staffed : Infinity;
    if (metrics.oldest_wait_seconds + headStartsIn >= target) candidates.push(Math.max(0, target - metrics.oldest_wait_seconds));
  }
  if (staffed === 0) {
    if (metrics.waiting === 0 && rates[0] > 0) candidates.push(target);
  } else {
    // Walk the line forward a minute at a time; past the forecast hour, its last rate holds.
    const serviceRate = staffed / aht;
    const limit = serviceRate * target;
    let line = metrics.waiting;
    for (let minute = 0; minute <= rule.breachHorizonMinutes; minute++) {
      if (line > limit) {
        candidates.push(minute * 60);
        break;
      }
      const rate = rates[Math.min(rates.length - 1, Math.floor((minute * 60) / INTERVAL_SECONDS))];
      line = Math.max(0, line + (rate - serviceRate) * 60);
    }
  }
  const seconds = Math.min(...candidates);
  if (!Number.isFinite(seconds) || seconds > rule.breachHorizonMinutes * 60) return null;
  return round(seconds / 60, 1);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** One line for a screen. */
export function describePeak(queueName: string, m: PeakMeasures): string {
  const breach = m.time_to_breach_minutes === null ? '' : m.time_to_breach_minutes === 0 ? ', SLA breaching now' : `, SLA breach in ${Math.round(m.time_to_breach_minutes)} min`;
  return `${queueName}: ${m.agents_needed} agents needed, ${m.staffed_agents} staffed; projected SLA ${Math.round(m.projected_sla * 100)}% (goal ${Math.round(m.sla_goal * 100)}%)${breach}`;
}
