/**
 * The event ids already taken, each with the day it was taken, so that ids older than the
 * retention can be forgotten: a duplicate is recognised for as long as its task is kept.
 *
 * NOTE: one map for every id, not one set per day: with 36 days kept (the durable default's
 * retention plus a day) a look-up would otherwise probe 36 sets for every event. Forgetting scans
 * the map once a day (about 0.1 s per million ids), which is cheaper in memory than keeping
 * every id a second time in per-day lists.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export class EventIdIndex {
  private readonly dayOf = new Map<string, number>();
  private oldestDay = Number.POSITIVE_INFINITY;

  has(id: string): boolean {
    return this.dayOf.has(id);
  }

  /** Records an id taken at `atMs`; false when it was already there. */
  add(id: string, atMs: number): boolean {
    if (this.dayOf.has(id)) return false;
    const day = Math.floor(atMs / DAY_MS);
    this.dayOf.set(id, day);
    if (day < this.oldestDay) this.oldestDay = day;
    return true;
  }

  get size(): number {
    return this.dayOf.size;
  }

  /** Forgets the ids of the days that ended before `cutoffMs`. */
  forgetBefore(cutoffMs: number): void {
    const cutoffDay = Math.floor(cutoffMs / DAY_MS);
    if (this.oldestDay >= cutoffDay) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [id, day] of this.dayOf) {
      if (day < cutoffDay) this.dayOf.delete(id);
      else if (day < oldest) oldest = day;
    }
    this.oldestDay = oldest;
  }
}
