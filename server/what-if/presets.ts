/**
 * The four scenarios a lead starts from (issue 11): "as today", "in-house only", "outsource
 * high-volume queues" and "hybrid: sensitive in-house, peaks to partners", derived from the
 * queues of the period (which are sensitive, which carry the most work, how peaked each is).
 * Sensitive queues never get a partner share, so every preset passes the engine's check.
 */
import { ERLANG_INTERVAL_MS } from './agents-on-duty.js';
import type { Scenario } from './what-if-types.js';

/** What a preset needs to know of a queue; a RecordedQueue fits. */
export interface PresetQueue {
  id: string;
  sensitive: boolean;
  /** `task.created` instants (epoch ms), sorted. */
  arrivals: readonly number[];
}

export const PRESET_NAMES = {
  asToday: 'as today',
  inhouseOnly: 'in-house only',
  outsourceHighVolume: 'outsource high-volume queues',
  hybrid: 'hybrid: sensitive in-house, peaks to partners',
} as const;

/** The four presets, in the order above. */
export function presetScenarios(queues: readonly PresetQueue[]): Scenario[] {
  return [asToday(), inhouseOnly(queues), outsourceHighVolume(queues), hybrid(queues)];
}

/** The recorded staffing, as it was split. */
export function asToday(): Scenario {
  return { name: PRESET_NAMES.asToday, queues: {} };
}

/** The recorded head count, all of it in-house. */
export function inhouseOnly(queues: readonly PresetQueue[]): Scenario {
  return { name: PRESET_NAMES.inhouseOnly, queues: Object.fromEntries(queues.map((q) => [q.id, { agents: 'recorded', partner_share: 0 }])) };
}

/**
 * The high-volume queues (at or above the median volume) that are not sensitive go wholly to
 * partners, staffed to the goal by Erlang C; the others stay as today.
 */
export function outsourceHighVolume(queues: readonly PresetQueue[]): Scenario {
  const high = highVolumeQueues(queues);
  const named = queues.filter((q) => !q.sensitive && high.has(q.id));
  return {
    name: PRESET_NAMES.outsourceHighVolume,
    queues: Object.fromEntries(named.map((q) => [q.id, { agents: 'erlang', partner_share: 1 }])),
  };
}

/**
 * Sensitive queues keep their recorded agents, all in-house; the others are staffed to the goal
 * by Erlang C, with the partners taking the peaks: their share is the part of the queue's work
 * that arrives above its usual busy 15-minute volume (see `peakShare`).
 */
export function hybrid(queues: readonly PresetQueue[]): Scenario {
  return {
    name: PRESET_NAMES.hybrid,
    queues: Object.fromEntries(
      queues.map((q) => [q.id, q.sensitive ? { agents: 'recorded', partner_share: 0 } : { agents: 'erlang', partner_share: peakShare(q.arrivals) }]),
    ),
  };
}

/** Ids of the queues whose recorded volume is at or above the median volume. */
export function highVolumeQueues(queues: readonly PresetQueue[]): Set<string> {
  if (queues.length === 0) return new Set();
  const volumes = queues.map((q) => q.arrivals.length).sort((a, b) => a - b);
  const mid = volumes.length / 2;
  const median = volumes.length % 2 === 1 ? volumes[Math.floor(mid)] : (volumes[mid - 1] + volumes[mid]) / 2;
  return new Set(queues.filter((q) => q.arrivals.length >= median).map((q) => q.id));
}

/** Quantile of the busy intervals' counts that an in-house crew covers; above it is the peak. */
export const PEAK_BASE_QUANTILE = 0.75;

/**
 * Share of the arrivals above the 75th-percentile count (nearest rank) of the busy 15-minute
 * intervals (those with any arrival), to two decimals: the work of the busiest quarter of the
 * intervals that a crew sized for the rest would not cover.
 */
export function peakShare(arrivals: readonly number[]): number {
  if (arrivals.length === 0) return 0;
  const counts = new Map<number, number>();
  for (const at of arrivals) {
    const interval = Math.floor(at / ERLANG_INTERVAL_MS);
    counts.set(interval, (counts.get(interval) ?? 0) + 1);
  }
  const sorted = [...counts.values()].sort((a, b) => a - b);
  const base = sorted[Math.max(1, Math.ceil(PEAK_BASE_QUANTILE * sorted.length)) - 1];
  let above = 0;
  for (const c of sorted) above += Math.max(0, c - base);
  return Math.round((above / arrivals.length) * 100) / 100;
}
