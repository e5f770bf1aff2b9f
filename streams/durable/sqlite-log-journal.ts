/**
 * The embedded event log's records on disk: every append is one SQLite transaction, durable when
 * it returns. An append's records of one partition are stored as one row (`log_batches`: their
 * keys as a JSON array, their values joined by newlines, which JSON text never contains raw), so
 * a 10,000-event batch costs six rows, not 10,000. The next offset of each partition is kept
 * apart (`log_ends`), so offsets keep growing after retention has trimmed old rows.
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
export type RecordTime = (topic: string, record: LogRecord, nowMs: number) => number;

const OCCURRED_AT = /"occurred_at":"([^"]{1,40})"/;

/** `occurred_at` of an event record (validated in process, or JSON written by the product), or `fallback`. */
export function occurredAtOf(record: LogRecord, fallback: number): number {
  const validated = record.validated as { occurred_at?: unknown } | undefined;
  if (typeof validated?.occurred_at === 'string') {
    const ms = Date.parse(validated.occurred_at);
    if (Number.isFinite(ms)) return ms;
  }
  const match = OCCURRED_AT.exec(record.value);
  const ms = match ? Date.parse(match[1]) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
}

interface BatchRow {
  vals_json: number;
  partition: number;
  first_offset: number;
  keys: string;
  vals: string;
  headers: string | null;
}

export class SqliteLogJournal implements LogJournal {
  private readonly insert;
  private readonly advance;
  private readonly selectEnds;
  private readonly selectFrom;
  private readonly selectAgedOut;
  private readonly selectSince;
  private readonly writeAll;

  constructor(
    readonly dataDir: DataDir,
    private readonly timeOf: RecordTime,
    private readonly clock: () => number,
  ) {
    const db = dataDir.db;
    this.insert = db.prepare('INSERT INTO log_batches (topic, partition, first_offset, count, newest_at, keys, vals, headers, vals_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.advance = db.prepare(
      'INSERT INTO log_ends (topic, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)',
    );
    this.selectEnds = db.prepare('SELECT partition, next_offset FROM log_ends WHERE topic = ?');
    this.selectAgedOut = db.prepare('SELECT partition, first_offset, keys, vals, vals_json, headers FROM log_batches WHERE topic = ? AND newest_at < ?');
    this.selectSince = db.prepare('SELECT partition, first_offset, keys, vals, vals_json, headers FROM log_batches WHERE topic = ? AND newest_at >= ?');
    this.selectFrom = db.prepare('SELECT partition, first_offset, keys, vals, vals_json, headers FROM log_batches WHERE topic = ? AND partition = ? AND first_offset >= ? ORDER BY first_offset LIMIT ?');
    this.writeAll = db.transaction((topic: string, records: readonly LogRecord[], now: number) => {
      for (const run of byPartition(records)) {
        let newest = -Infinity;
        for (const r of run) newest = Math.max(newest, this.timeOf(topic, r, now));
        const headers = run.some((r) => r.headers) ? JSON.stringify(run.map((r) => r.headers ?? null)) : null;
        // TRICKY: the product writes JSON values (no raw newline), but the log takes any text.
        const framed = run.some((r) => r.value.includes('\n'));
        const vals = framed ? JSON.stringify(run.map((r) => r.value)) : run.map((r) => r.value).join('\n');
        this.insert.run(topic, run[0].partition, run[0].offset, run.length, newest, JSON.stringify(run.map((r) => r.key)), vals, headers, framed ? 1 : 0);
        this.advance.run(topic, run[0].partition, run[run.length - 1].offset + 1);
      }
    });
  }

  write(topic: string, records: readonly LogRecord[]): void {
    if (records.length === 0) return;
    try {
      this.writeAll(topic, records, this.clock());
    } catch (err) {
      // NOTE: the reason (disk full, read-only, I/O error) is for the log, not for the sender.
      throw new DomainError('unavailable', 'the event store could not write to disk; nothing of this request was stored, send it again', undefined, { cause: err });
    }
  }

  ends(topic: string): Map<number, number> {
    const rows = this.selectEnds.all(topic) as { partition: number; next_offset: number }[];
    return new Map(rows.map((r) => [r.partition, r.next_offset]));
  }

  /** The records of a topic's stored appends whose newest record is older than `beforeMs` (what retention would trim). */
  agedOut(topic: string, beforeMs: number): LogRecord[] {
    return (this.selectAgedOut.all(topic, beforeMs) as BatchRow[]).flatMap((row) => recordsOf(topic, row));
  }

  /** The records of a topic's stored appends whose newest record is at or after `sinceMs` (by the index on it), row by row. */
  *since(topic: string, sinceMs: number): Generator<LogRecord[]> {
    for (const row of this.selectSince.iterate(topic, sinceMs) as IterableIterator<BatchRow>) yield recordsOf(topic, row);
  }

  /** Stored records of a topic, partition by partition in offset order, about `batch` rows at a time. */
  *read(topic: string, batch = 8): Generator<LogRecord[]> {
    for (const partition of [...this.ends(topic).keys()].sort((a, b) => a - b)) {
      let from = 0;
      for (;;) {
        const rows = this.selectFrom.all(topic, partition, from, batch) as BatchRow[];
        if (rows.length === 0) break;
        yield rows.flatMap((row) => recordsOf(topic, row));
        from = rows[rows.length - 1].first_offset + 1;
      }
    }
  }
}

/** The records of one append split into runs of one partition each (offsets ascending within). */
function byPartition(records: readonly LogRecord[]): LogRecord[][] {
  const runs = new Map<number, LogRecord[]>();
  for (const r of records) {
    let run = runs.get(r.partition);
    if (!run) runs.set(r.partition, (run = []));
    run.push(r);
  }
  return [...runs.values()];
}

function recordsOf(topic: string, row: BatchRow): LogRecord[] {
  const keys = JSON.parse(row.keys) as string[];
  const values = row.vals_json ? (JSON.parse(row.vals) as string[]) : row.vals.split('\n');
  const headers = row.headers ? (JSON.parse(row.headers) as (Record<string, string> | null)[]) : undefined;
  return values.map((value, i) => ({
    topic,
    partition: row.partition,
    offset: row.first_offset + i,
    key: keys[i],
    value,
    ...(headers?.[i] ? { headers: headers[i]! } : {}),
  }));
}
