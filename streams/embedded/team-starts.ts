/**
 * First starts per queue and team with their waits, by the hour of the start: what the partner
 * scorecard (SPEC section 11) reads over 24 hours to 30 days. The engine's task map holds the same
 * facts, but reading them there would cost every task kept (36 days by default); here a read costs
 * the starts of the range. Kept as long as the engine's other history (its `keepMs`), moved with
 * the engine's contributions (late and out-of-order events stay exact) and rebuilt, like the rest
 * of the engine, by replaying the stored events at start.
 *
 * Memory: two doubles (16 bytes) per start, plus one small record per queue, team and hour that
 * had a start (at most queues x teams x 24 x days kept; about 10,000 for the default network).
 */
import type { TeamStarts } from '../metrics-store.js';

const HOUR_MS = 3600_000;

/** The starts of one queue and team in one hour, as parallel arrays. */
interface HourStarts {
  at: number[];
  waits: number[];
}

const pairKey = (queue: string, team: string) => `${queue}\u0000${team}`;

export class TeamStartIndex {
  /** By hour since the epoch, then by queue and team. */
  private readonly hours = new Map<number, Map<string, HourStarts>>();
  /** Hours before this one are forgotten and never written again. */
  private floorHour = Number.NEGATIVE_INFINITY;

  /** A first start counted (`sign` +1) or retracted (-1). */
  start(queue: string, team: string, startAt: number, waitMs: number, sign: number): void {
    const hour = Math.floor(startAt / HOUR_MS);
    if (hour < this.floorHour) return;
    let pairs = this.hours.get(hour);
    if (!pairs) {
      if (sign < 0) return;
      this.hours.set(hour, (pairs = new Map()));
    }
    const key = pairKey(queue, team);
    let s = pairs.get(key);
    if (sign > 0) {
      if (!s) pairs.set(key, (s = { at: [], waits: [] }));
      s.at.push(startAt);
      s.waits.push(waitMs);
      return;
    }
    if (!s) return;
    for (let i = 0; i < s.at.length; i++) {
      if (s.at[i] !== startAt || s.waits[i] !== waitMs) continue;
      const last = s.at.length - 1;
      s.at[i] = s.at[last];
      s.waits[i] = s.waits[last];
      s.at.pop();
      s.waits.pop();
      break;
    }
    if (s.at.length === 0) pairs.delete(key);
    if (pairs.size === 0) this.hours.delete(hour);
  }

  /** Forgets every hour that ends before `cutoffMs`. */
  forgetBefore(cutoffMs: number): void {
    const hour = Math.floor(cutoffMs / HOUR_MS);
    if (hour <= this.floorHour) return;
    this.floorHour = hour;
    for (const h of this.hours.keys()) if (h < hour) this.hours.delete(h);
  }

  /** First starts in (fromMs, toMs] per queue and team; `targetMs` gives a queue's SLA target. */
  read(fromMs: number, toMs: number, targetMs: (queue: string) => number): TeamStarts[] {
    const waits = new Map<string, number[]>();
    const first = Math.floor(fromMs / HOUR_MS);
    const last = Math.floor(toMs / HOUR_MS);
    // NOTE: the hours of the range, or the hours held, whichever are fewer.
    const hours = last - first + 1 <= this.hours.size ? Array.from({ length: last - first + 1 }, (_, i) => first + i) : [...this.hours.keys()];
    for (const hour of hours) {
      if (hour < first || hour > last) continue;
      const pairs = this.hours.get(hour);
      if (!pairs) continue;
      const whole = hour > first && hour < last;
      for (const [key, s] of pairs) {
        let list = waits.get(key);
        if (!list) waits.set(key, (list = []));
        for (let i = 0; i < s.at.length; i++) if (whole || (s.at[i] > fromMs && s.at[i] <= toMs)) list.push(s.waits[i]);
      }
    }
    const out: TeamStarts[] = [];
    for (const [key, list] of waits) {
      if (list.length === 0) continue;
      const [queue, team] = key.split('\u0000');
      const waitsMs = Float64Array.from(list).sort();
      const target = targetMs(queue);
      let attained = 0;
      for (const w of waitsMs) if (w <= target) attained++;
      out.push({ queue, team, starts: waitsMs.length, attained, waitsMs });
    }
    return out.sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.team < b.team ? -1 : a.team > b.team ? 1 : 0));
  }
}
