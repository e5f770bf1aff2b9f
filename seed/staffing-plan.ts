/**
 * The rota: how many agents each team puts on each queue at an instant. Planned on the expected
 * demand, but only partly on the morning surge, so the surge outruns the staff for a while and
 * the wall shows pressure building and then easing.
 */
import { teamsForQueue, type OpsConfig, type QueueConfig, type TeamConfig } from '../contracts/config.js';
import { arrivalsPerHour, expectedDailyVolume, profileFor, type QueueProfile } from './profiles.js';

const HOUR_MS = 60 * 60 * 1000;

/** Share of the surge's extra demand that the planners staff for. */
export const SURGE_COVERAGE = 0.4;
/** Follow-demand shifts outlast the hour they were planned for by this much (peaks get caught up). */
const SHIFT_OVERHANG_HOURS = 2;
/** Square-root staffing: agents = load + beta * sqrt(load), a good rota for a minutes-long SLA. */
const SAFETY_BETA = 1.2;
/** Follow-demand queues keep a night crew (emergency registration, the after-hours line). */
const NIGHT_CREW = 2;
/** Day-shift queues get this much more capacity than the day's work, for breaks and slack. */
const DAY_SHIFT_SLACK = 1.15;
/** Weight of each partner's share next to all in-house teams together (1). */
const PARTNER_WEIGHT = 0.3;

/** Fraction of the day-shift crew on duty at a UTC hour: staggered starts and ends. */
function dayShiftPresence(hour: number, weekend: boolean): number {
  if (weekend) return hour >= 8 && hour < 16 ? (hour === 8 || hour === 15 ? 0.6 : 1) : 0;
  if (hour < 7 || hour >= 19) return 0;
  return hour === 7 || hour === 18 ? 0.6 : 1;
}

function dayShiftHours(weekend: boolean): number {
  let total = 0;
  for (let h = 0; h < 24; h++) total += dayShiftPresence(h, weekend);
  return total;
}

function squareRootStaffing(erlangs: number): number {
  return Math.ceil(erlangs + SAFETY_BETA * Math.sqrt(erlangs));
}

/** Expected Erlang load of the hour starting at `hourStart`, with the planned share of the surge. */
function plannedErlangs(profile: QueueProfile, queue: QueueConfig, hourStart: number): number {
  let perHour = 0;
  for (let q = 0; q < 4; q++) perHour += arrivalsPerHour(profile, hourStart + q * (HOUR_MS / 4), SURGE_COVERAGE) / 4;
  return (perHour * queue.handling_seconds) / 3600;
}

/**
 * Agents planned on a queue for the hour holding `ms`: `day` is split over all serving teams,
 * `night` (day-shift queues outside office hours) over the partners only, who work round the clock.
 */
export function plannedCrews(profile: QueueProfile, queue: QueueConfig, ms: number): { day: number; night: number } {
  const hourStart = Math.floor(ms / HOUR_MS) * HOUR_MS;
  if (profile.staffing === 'follow-demand') {
    let peak = 0;
    for (let back = 0; back <= SHIFT_OVERHANG_HOURS; back++) {
      peak = Math.max(peak, plannedErlangs(profile, queue, hourStart - back * HOUR_MS));
    }
    return { day: Math.max(NIGHT_CREW, squareRootStaffing(peak)), night: 0 };
  }
  const date = new Date(hourStart);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  const presence = dayShiftPresence(date.getUTCHours(), weekend);
  if (presence === 0) {
    return { day: 0, night: Math.max(1, squareRootStaffing(plannedErlangs(profile, queue, hourStart))) };
  }
  const workHours = (expectedDailyVolume(profile, ms) * queue.handling_seconds) / 3600;
  return { day: Math.max(1, Math.ceil((presence * workHours * DAY_SHIFT_SLACK) / dayShiftHours(weekend))), night: 0 };
}

/** Splits `total` by weight with largest remainders, so the parts add up to `total`. */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return parts;
}

function teamWeights(teams: readonly TeamConfig[]): number[] {
  const inhouse = teams.filter((t) => t.kind === 'inhouse').length;
  if (inhouse === 0) return teams.map(() => 1);
  return teams.map((t) => (t.kind === 'inhouse' ? 1 / inhouse : PARTNER_WEIGHT));
}

export interface QueueRota {
  queue: QueueConfig;
  profile: QueueProfile;
  /** The teams serving the queue, in configuration order. */
  teams: TeamConfig[];
  /** Planned agents per team (same order as `teams`) for the hour holding `ms`. */
  agentsAt(ms: number): number[];
}

/** The rota of every queue of a configuration, in configuration order. */
export function createRotas(config: OpsConfig): QueueRota[] {
  return config.queues.map((queue) => {
    const profile = profileFor(queue);
    const teams = teamsForQueue(config, queue.id);
    const dayWeights = teamWeights(teams);
    const nightWeights = teams.map((t) => (t.kind === 'partner' ? 1 : 0));
    return {
      queue,
      profile,
      teams,
      agentsAt(ms) {
        const { day, night } = plannedCrews(profile, queue, ms);
        const dayParts = splitByWeight(day, dayWeights);
        const nightParts = splitByWeight(night, nightWeights);
        return dayParts.map((agents, i) => agents + nightParts[i]);
      },
    };
  });
}
