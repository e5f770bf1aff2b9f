/**
 * The event ids already taken, kept in one set per day so that ids older than the retention can
 * be forgotten without scanning: a duplicate is recognised for as long as its task is kept.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export class EventIdIndex {
  /** Newest last; an array, since has() walks it for every event. */
  private generations: { day: number; ids: Set<string> }[] = [];
  private newest: Set<string> | undefined;
  private newestDay = Number.NaN;

  constructor(readonly retentionMs: number) {}

  has(id: string): boolean {
    const gens = this.generations;
    for (let i = gens.length - 1; i >= 0; i--) if (gens[i].ids.has(id)) return true;
    return false;
  }

  /** Records an id taken at `atMs`; false when it was already there. */
  add(id: string, atMs: number): boolean {
    const day = Math.floor(atMs / DAY_MS);
    if (day !== this.newestDay || !this.newest) {
      let gen = this.generations.find((g) => g.day === day);
      if (!gen) {
        gen = { day, ids: new Set() };
        this.generations.push(gen);
        this.generations.sort((a, b) => a.day - b.day);
      }
      this.newest = gen.ids;
      this.newestDay = day;
    }
    const gens = this.generations;
    if (gens.length > 1) {
      for (const g of gens) if (g.ids !== this.newest && g.ids.has(id)) return false;
    }
    // NOTE: one probe of the big set instead of has() then add(): the size tells whether it was new.
    const before = this.newest.size;
    this.newest.add(id);
    return this.newest.size !== before;
  }

  get size(): number {
    return this.generations.reduce((n, g) => n + g.ids.size, 0);
  }

  /** Drops the days that ended before `cutoffMs`. */
  forgetBefore(cutoffMs: number): void {
    const cutoffDay = Math.floor(cutoffMs / DAY_MS);
    if (this.newestDay < cutoffDay) this.newest = undefined;
    this.generations = this.generations.filter((g) => g.day >= cutoffDay);
  }
}
