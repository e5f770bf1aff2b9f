/**
 * Every staffing.updated per queue and team, by time: the staffing step function the what-if
 * replays (SPEC section 12) and the agent-hours the partner scorecard costs (SPEC section 11).
 * Kept as long as the engine's other history; for each pair the change in effect at the cutoff is
 * kept too (staffed agents stand until changed), so a read at the edge of retention still knows it.
 *
 * Memory: one small record per change (a few hundred a day for the default network).
 */
import type { StaffingChange } from '../metrics-store.js';

interface Entry {
  at: number;
  eventId: string;
  agents: number;
}

const pairKey = (queue: string, team: string) => `${queue}\u0000${team}`;
/** Time, then event id: the order in which changes take effect (as the engine's latest-wins rule). */
const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.eventId < b.eventId);

export class StaffingHistory {
  /** Sorted by `before` per pair. */
  private readonly pairs = new Map<string, { queue: string; team: string; entries: Entry[] }>();

  /** A change taken (event ids are already deduplicated by the engine). */
  add(queue: string, team: string, at: number, eventId: string, agents: number): void {
    const key = pairKey(queue, team);
    let pair = this.pairs.get(key);
    if (!pair) this.pairs.set(key, (pair = { queue, team, entries: [] }));
    const entry = { at, eventId, agents };
    const list = pair.entries;
    // Usually the newest: a scan from the end is one step.
    let i = list.length;
    while (i > 0 && before(entry, list[i - 1])) i--;
    list.splice(i, 0, entry);
  }

  /** Forgets the changes before `cutoffMs`, except the one in effect at it. */
  forgetBefore(cutoffMs: number): void {
    for (const pair of this.pairs.values()) {
      const inEffect = lastAtOrBefore(pair.entries, cutoffMs);
      if (inEffect > 0) pair.entries.splice(0, inEffect);
    }
  }

  /** The change in effect at `fromMs` per pair, then every change in (fromMs, toMs); see MetricsStore.staffingHistory. */
  read(fromMs: number, toMs: number): StaffingChange[] {
    const out: StaffingChange[] = [];
    for (const { queue, team, entries } of this.pairs.values()) {
      const first = lastAtOrBefore(entries, fromMs);
      for (let i = Math.max(first, 0); i < entries.length; i++) {
        const e = entries[i];
        if (e.at >= toMs && i !== first) break;
        if (i === first || e.at > fromMs) out.push({ queue, team, atMs: e.at, eventId: e.eventId, agents: e.agents });
      }
    }
    return out.sort(byTimeQueueTeamId);
  }
}

/** Index of the last entry at or before `ms`; -1 when none. */
function lastAtOrBefore(entries: readonly Entry[], ms: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].at <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The order of MetricsStore.staffingHistory: time, queue, team, event id. */
export function byTimeQueueTeamId(a: StaffingChange, b: StaffingChange): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  for (const k of ['queue', 'team', 'eventId'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}
