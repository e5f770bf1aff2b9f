/**
 * Arrivals of a queue as a Poisson process whose rate follows its demand profile: constant within
 * each `RATE_SEGMENT_MS` segment, changing at segment edges (hour weights, day factors, surges).
 */
import { RATE_SEGMENT_MS, arrivalsPerHour, segmentStart, type QueueProfile } from './profiles.js';
import { exponential, type Random } from './random.js';

const HOUR_MS = 60 * 60 * 1000;
/** How far ahead an arrival is looked for before the profile counts as having no demand. */
const HORIZON_MS = 7 * 24 * HOUR_MS;

/**
 * The instant of the next arrival after `fromMs` (rounded to the ms, never before `fromMs`), or
 * undefined when the profile has no demand in the week ahead: exact for a rate that is constant
 * within each segment.
 */
export function nextArrival(rand: Random, profile: QueueProfile, fromMs: number): number | undefined {
  let t = fromMs;
  // A profile with no demand all week long gets no arrivals rather than an endless search.
  while (t - fromMs < HORIZON_MS) {
    const segmentEnd = segmentStart(t) + RATE_SEGMENT_MS;
    const perMs = arrivalsPerHour(profile, t) / HOUR_MS;
    if (perMs > 0) {
      const at = t + exponential(rand, perMs);
      // NOTE: a Poisson process forgets; restarting the draw at a segment edge stays exact.
      if (at < segmentEnd) return Math.max(fromMs, Math.round(at));
    }
    t = segmentEnd;
  }
  return undefined;
}
