/**
 * Times in a CSV export: RFC 3339 (`2026-11-02T09:15:00Z`, `2026-11-02 09:15:00+01:00`), or a
 * local wall-clock time (`2026-11-02 09:15`) read in the IANA zone the import names. Exports of
 * work-queue systems mostly write local time without an offset; guessing the zone would shift
 * every wait by hours, so such a time without a zone is refused, never assumed to be UTC.
 */

const TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const HOUR_MS = 3600_000;

export type TimeReading = { ok: true; ms: number } | { ok: false; rule: string };

/** Reads local times in one IANA zone; the zone's offsets are cached per hour of UTC. */
export class ZoneReader {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  /** Throws RangeError for a name that is not a time zone. */
  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone's offset from UTC (ms, east positive) at the instant `utcMs`. */
  offsetAt(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const parts: Record<string, number> = {};
      for (const p of this.format.formatToParts(new Date(hour * HOUR_MS))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - hour * HOUR_MS;
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /**
   * The instant of a wall-clock time (given as if it were UTC). In the hour a clock is set back,
   * the earlier of the two instants; in the hour it skips, the time is read with the offset before.
   */
  instantOf(wallMs: number): number {
    // The offsets in force around that time (a shift of the clock is at most a few hours).
    const near = wallMs - this.offsetAt(wallMs);
    const before = this.offsetAt(near - 3 * HOUR_MS);
    const after = this.offsetAt(near + 3 * HOUR_MS);
    let best: number | undefined;
    for (const offset of [before, this.offsetAt(near), after]) {
      const instant = wallMs - offset;
      if (this.offsetAt(instant) === offset && (best === undefined || instant < best)) best = instant;
    }
    return best ?? wallMs - before;
  }
}

/** Reads one cell as an instant; `zone` reads times written without an offset. */
export function readTime(text: string, zone: ZoneReader | undefined): TimeReading {
  const m = TIME.exec(text.trim());
  if (!m) return { ok: false, rule: 'is not a time like 2026-11-02T09:15:00Z or 2026-11-02 09:15' };
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)] as const;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const wall = Date.UTC(...fields, ms);
  const back = new Date(wall);
  // NOTE: Date.UTC rolls 2026-02-30 over into March: a date that does not round-trip is not a date.
  if (back.getUTCFullYear() !== fields[0] || back.getUTCMonth() !== fields[1] || back.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    return { ok: false, rule: 'is not a real date and time' };
  }
  if (offset === undefined) {
    if (!zone) return { ok: false, rule: 'has no UTC offset: give the export\'s time zone (time_zone=Europe/Berlin)' };
    return { ok: true, ms: zone.instantOf(wall) };
  }
  if (offset === 'Z' || offset === 'z') return { ok: true, ms: wall };
  const digits = offset.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0);
  if (minutes > 18 * 60) return { ok: false, rule: 'has a UTC offset beyond 18 hours' };
  return { ok: true, ms: wall - (offset[0] === '-' ? -1 : 1) * minutes * 60_000 };
}
