/**
 * The embedded event log's records on disk (SQLite table `log_records`): every append is one
 * transaction, durable when it returns. The next offset of each partition is kept apart
 * (`log_ends`), so offsets keep growing after retention has trimmed old records.
 */
import type { LogRecord } from '../../contracts/event-log.js';
import { DomainError } from '../../contracts/errors.js';
import type { DataDir } from './data-dir.js';

/** Where the embedded event log keeps its records; `write` throws when they are not stored. */
export interface LogJournal {
  /** Stores the records of one append, all or none. */
  write(topic: string, records: readonly LogRecord[]): void;
  /** The next offset of each partition of a topic, as stored (empty for a new topic). */
  ends(topic: string): Map<number, number>;
}

/** A stored record's time for retention: for task events their `occurred_at`, else when stored. */
export type RecordTime = (topic: string, value: string, nowMs: number) => number;

const OCCURRED_AT = /"occurred_at":"([^"]{1,40})"/;

/** `occurred_at` of an event as the log stores it (JSON written by the product), or `fallback`. */
export function occurredAtOf(value: string, fallback: number): number {
  const match = OCCURRED_AT.exec(value);
  const ms = match ? Date.parse(match[1]) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
}

export class SqliteLogJournal implements LogJournal {
  private readonly insert;
  private readonly advance;
  private readonly selectEnds;
  private readonly selectFrom;
  private readonly deleteBefore;
  private readonly writeAll;

  constructor(
    private readonly dir: DataDir,
    private readonly timeOf: RecordTime,
    private readonly clock: () => number,
  ) {
    const db = dir.db;
    this.insert = db.prepare('INSERT INTO log_records (topic, partition, offset, key, value, headers, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.advance = db.prepare(
      'INSERT INTO log_ends (topic, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)',
    );
    this.selectEnds = db.prepare('SELECT partition, next_offset FROM log_ends WHERE topic = ?');
    this.selectFrom = db.prepare('SELECT partition, offset, key, value, headers FROM log_records WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?');
    this.deleteBefore = db.prepare('DELETE FROM log_records WHERE topic = ? AND at < ?');
    this.writeAll = db.transaction((topic: string, records: readonly LogRecord[], now: number) => {
      const ends = new Map<number, number>();
      for (const r of records) {
        this.insert.run(topic, r.partition, r.offset, r.key, r.value, r.headers ? JSON.stringify(r.headers) : null, this.timeOf(topic, r.value, now));
        ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1));
      }
      for (const [partition, next] of ends) this.advance.run(topic, partition, next);
    });
  }

  write(topic: string, records: readonly LogRecord[]): void {
    if (records.length === 0) return;
    try {
      this.writeAll(topic, records, this.clock());
    } catch (err) {
      // NOTE: the reason (disk full, read-only, I/O error) is for the log, not for the sender.
      throw new DomainError('unavailable', 'the event store could not write to disk; nothing of this request was stored, send it again', { cause: (err as Error).message });
    }
  }

  ends(topic: string): Map<number, number> {
    const rows = this.selectEnds.all(topic) as { partition: number; next_offset: number }[];
    return new Map(rows.map((r) => [r.partition, r.next_offset]));
  }

  /** Stored records of a topic, partition by partition in offset order, `batch` at a time. */
  *read(topic: string, batch = 20_000): Generator<LogRecord[]> {
    for (const partition of [...this.ends(topic).keys()].sort((a, b) => a - b)) {
      let from = 0;
      for (;;) {
        const rows = this.selectFrom.all(topic, partition, from, batch) as { partition: number; offset: number; key: string; value: string; headers: string | null }[];
        if (rows.length === 0) break;
        yield rows.map((r) => ({ topic, partition: r.partition, offset: r.offset, key: r.key, value: r.value, ...(r.headers ? { headers: JSON.parse(r.headers) as Record<string, string> } : {}) }));
        from = rows[rows.length - 1].offset + 1;
      }
    }
  }

  /** Deletes a topic's records older than `beforeMs`; returns how many. */
  trim(topic: string, beforeMs: number): number {
    return this.deleteBefore.run(topic, beforeMs).changes;
  }

  get dataDir(): DataDir {
    return this.dir;
  }
}
