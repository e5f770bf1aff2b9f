/**
 * The event ids already taken, each with the day it was taken, so that ids older than the
 * retention can be forgotten without scanning the rest: a duplicate is recognised for as long as
 * its task is kept.
 *
 * NOTE: one map for every id, not one set per day: with 36 days kept (the durable default's
 * retention plus a day) a look-up would otherwise probe 36 sets for every event.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export class EventIdIndex {
  private readonly dayOf = new Map<string, number>();
  /** The ids of each day, to forget a whole day at once. */
  private readonly byDay = new Map<number, string[]>();

  has(id: string): boolean {
    return this.dayOf.has(id);
  }

  /** Records an id taken at `atMs`; false when it was already there. */
  add(id: string, atMs: number): boolean {
    if (this.dayOf.has(id)) return false;
    const day = Math.floor(atMs / DAY_MS);
    this.dayOf.set(id, day);
    let ids = this.byDay.get(day);
    if (!ids) this.byDay.set(day, (ids = []));
    ids.push(id);
    return true;
  }

  get size(): number {
    return this.dayOf.size;
  }

  /** Forgets the ids of the days that ended before `cutoffMs`. */
  forgetBefore(cutoffMs: number): void {
    const cutoffDay = Math.floor(cutoffMs / DAY_MS);
    for (const [day, ids] of this.byDay) {
      if (day >= cutoffDay) continue;
      for (const id of ids) this.dayOf.delete(id);
      this.byDay.delete(day);
    }
  }
}
