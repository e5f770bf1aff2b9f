/**
 * The event ids already taken, kept in one set per day so that ids older than the retention can
 * be forgotten without scanning: a duplicate is recognised for as long as its task is kept.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export class EventIdIndex {
  private readonly generations = new Map<number, Set<string>>();
  private newest: Set<string> | undefined;
  private newestDay = Number.NaN;

  constructor(readonly retentionMs: number) {}

  has(id: string): boolean {
    for (const ids of this.generations.values()) if (ids.has(id)) return true;
    return false;
  }

  /** Records an id taken at `atMs`; false when it was already there. */
  add(id: string, atMs: number): boolean {
    if (this.has(id)) return false;
    const day = Math.floor(atMs / DAY_MS);
    if (day !== this.newestDay || !this.newest) {
      let ids = this.generations.get(day);
      if (!ids) this.generations.set(day, (ids = new Set()));
      this.newest = ids;
      this.newestDay = day;
    }
    this.newest.add(id);
    return true;
  }

  get size(): number {
    let n = 0;
    for (const ids of this.generations.values()) n += ids.size;
    return n;
  }

  /** Drops the days that ended before `cutoffMs`. */
  forgetBefore(cutoffMs: number): void {
    const cutoffDay = Math.floor(cutoffMs / DAY_MS);
    for (const day of this.generations.keys()) {
      if (day < cutoffDay) {
        this.generations.delete(day);
        if (day === this.newestDay) this.newest = undefined;
      }
    }
  }
}
