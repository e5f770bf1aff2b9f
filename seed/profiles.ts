/**
 * Demand profiles: how many tasks each queue receives, by UTC hour of day and day of week, and
 * the morning surge. The simulated clock's UTC hours stand in for the hospital's local hours, so
 * the surge shows at 08:00-11:00 UTC whatever the machine's time zone.
 */
import type { QueueConfig } from '../contracts/config.js';

/** Arrival rates are constant within a segment of this length (the surge needs finer than hours). */
export const RATE_SEGMENT_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface Surge {
  startHour: number;
  endHour: number;
  /** The rate is multiplied by 1 + peakExtra * sin(pi * x) over the window (x from 0 to 1). */
  peakExtra: number;
}

export interface QueueProfile {
  /** Tasks created on a plain weekday (day factor 1), the surge not included. */
  weekdayVolume: number;
  /** Relative arrival weight of each UTC hour, index = hour; normalised to sum 1. */
  hourWeights: readonly number[];
  /** Volume factor per UTC day of week, index 0 = Sunday. */
  dayFactors: readonly number[];
  /** Monday to Friday only. */
  surge?: Surge;
  /**
   * `follow-demand`: staffed around the clock, hour by hour, for a minutes-long SLA.
   * `day-shift`: staffed flat through the working day; the day's work is caught up by evening.
   */
  staffing: 'follow-demand' | 'day-shift';
}

// Monday-heavy week, quiet weekends (index 0 = Sunday).
const OFFICE_WEEK = [0.3, 1.12, 1.02, 1, 0.98, 0.88, 0.4];
// The emergency department registers patients every day.
const HOSPITAL_WEEK = [0.5, 1.12, 1.02, 1, 0.98, 0.92, 0.55];
const MORNING_SURGE: Surge = { startHour: 8, endHour: 11, peakExtra: 0.9 };
// Verifications for the day's appointments land in one wave as the clinics open.
const VERIFICATION_WAVE: Surge = { startHour: 8, endHour: 11, peakExtra: 1.4 };

/** Tuned profiles for the queues of the shipped configuration. */
export const KNOWN_PROFILES: Record<string, QueueProfile> = {
  registration: {
    weekdayVolume: 2400,
    // Emergency arrivals around the clock, outpatient clinics from 07:00.
    hourWeights: [2, 1.5, 1.2, 1, 1, 1.5, 3, 6, 9, 10, 9.5, 8.5, 7.5, 7.5, 7, 6.5, 5.5, 4.5, 4, 3.5, 3, 2.5, 2.5, 2],
    dayFactors: HOSPITAL_WEEK,
    surge: MORNING_SURGE,
    staffing: 'follow-demand',
  },
  scheduling: {
    weekdayVolume: 1800,
    // Phone lines by day, online requests overnight.
    hourWeights: [0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 1.5, 5, 9, 10, 9.5, 9, 8, 8.5, 8.5, 8, 7, 5, 3, 2, 1.5, 1, 0.8, 0.6],
    dayFactors: OFFICE_WEEK,
    staffing: 'follow-demand',
  },
  insurance: {
    weekdayVolume: 1400,
    hourWeights: [1, 0.8, 0.6, 0.6, 0.6, 1, 2, 5, 9, 10, 9.5, 9, 8, 8, 7.5, 7, 6, 4.5, 3, 2.5, 2, 1.5, 1.2, 1],
    dayFactors: HOSPITAL_WEEK,
    surge: VERIFICATION_WAVE,
    staffing: 'day-shift',
  },
  documentation: {
    weekdayVolume: 900,
    // Notes follow the clinics: afternoon and evening.
    hourWeights: [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2.5, 4, 5.5, 6.5, 7, 7, 7.5, 8, 8.5, 9, 9, 8, 6, 4.5, 3, 2, 1.5],
    dayFactors: HOSPITAL_WEEK,
    staffing: 'day-shift',
  },
  billing: {
    weekdayVolume: 1500,
    hourWeights: [0.5, 0.5, 0.5, 0.5, 0.5, 1, 3, 6, 8, 8, 8, 8, 7, 7.5, 7.5, 7, 6, 4, 2, 1.5, 1, 0.8, 0.6, 0.5],
    dayFactors: OFFICE_WEEK,
    staffing: 'day-shift',
  },
  communication: {
    weekdayVolume: 1200,
    hourWeights: [0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 0.8, 2, 4, 5.5, 7, 8, 8, 8.5, 9, 9, 8.5, 7.5, 6, 4.5, 3, 2, 1, 0.5],
    dayFactors: OFFICE_WEEK,
    staffing: 'day-shift',
  },
};

const OFFICE_HOURS = [0.5, 0.4, 0.3, 0.3, 0.3, 0.5, 1.5, 5, 8, 9, 9, 9, 8, 8, 8, 7.5, 6.5, 4.5, 3, 2, 1.5, 1, 0.8, 0.6];

/** The profile of a queue: tuned for the shipped queues, a plain office profile for any other. */
export function profileFor(queue: QueueConfig): QueueProfile {
  const known = KNOWN_PROFILES[queue.id];
  if (known) return known;
  return {
    weekdayVolume: 600,
    hourWeights: OFFICE_HOURS,
    dayFactors: OFFICE_WEEK,
    staffing: queue.sla.target_seconds <= HOUR_MS / 1000 ? 'follow-demand' : 'day-shift',
  };
}

function hourShare(profile: QueueProfile, hour: number): number {
  let total = 0;
  for (const w of profile.hourWeights) total += w;
  return total > 0 ? profile.hourWeights[hour] / total : 0;
}

/** The surge multiplier at a fractional UTC hour on a weekday (1 outside the window). */
export function surgeFactor(surge: Surge | undefined, dayOfWeek: number, hour: number): number {
  if (!surge || dayOfWeek === 0 || dayOfWeek === 6) return 1;
  if (hour < surge.startHour || hour >= surge.endHour) return 1;
  const x = (hour - surge.startHour) / (surge.endHour - surge.startHour);
  return 1 + surge.peakExtra * Math.sin(Math.PI * x);
}

/** Start of the rate segment that holds `ms`. */
export function segmentStart(ms: number): number {
  return Math.floor(ms / RATE_SEGMENT_MS) * RATE_SEGMENT_MS;
}

/**
 * Expected arrivals per hour in the segment holding `ms`; `surgeShare` scales the surge's extra
 * (1 = the real demand, 0 = demand as if there were no surge).
 */
export function arrivalsPerHour(profile: QueueProfile, ms: number, surgeShare = 1): number {
  const mid = segmentStart(ms) + RATE_SEGMENT_MS / 2;
  const date = new Date(mid);
  const day = date.getUTCDay();
  const hour = (mid % DAY_MS) / HOUR_MS;
  const base = profile.weekdayVolume * profile.dayFactors[day] * hourShare(profile, Math.floor(hour));
  return base * (1 + surgeShare * (surgeFactor(profile.surge, day, hour) - 1));
}

/** Expected tasks created over the UTC day that holds `ms`, the surge included. */
export function expectedDailyVolume(profile: QueueProfile, ms: number): number {
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  let total = 0;
  for (let t = dayStart; t < dayStart + DAY_MS; t += RATE_SEGMENT_MS) {
    total += arrivalsPerHour(profile, t) * (RATE_SEGMENT_MS / HOUR_MS);
  }
  return total;
}
