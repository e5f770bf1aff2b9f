/**
 * The `CapacityStore` of the durable embedded default: one row per state change in the data
 * directory's SQLite database (table `capacity_changes`), durable when `record` resolves.
 */
import type { CapacityChange, CapacityRequest } from '../../contracts/alerts.js';
import { DomainError } from '../../contracts/errors.js';
import type { DataDir } from '../../streams/durable/data-dir.js';
import type { CapacityStore } from './capacity-store.js';

export class SqliteCapacityStore implements CapacityStore {
  readonly kind = 'embedded';
  private readonly insert;
  private readonly latestSince;
  private readonly ofRequest;

  constructor(dir: DataDir) {
    const db = dir.db;
    this.insert = db.prepare('INSERT INTO capacity_changes (request_id, seq, at, created_at, change) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id, seq) DO UPDATE SET change = excluded.change, at = excluded.at');
    // The latest change of each request created since a time (the row with the highest seq), newest
    // request first; of requests created at the same instant, the one stored later first.
    this.latestSince = db.prepare(
      `SELECT c.change FROM capacity_changes c
         JOIN (SELECT request_id, max(seq) AS seq, min(rowid) AS first FROM capacity_changes WHERE created_at >= ? GROUP BY request_id) m
           ON c.request_id = m.request_id AND c.seq = m.seq
       ORDER BY c.created_at DESC, m.first DESC`,
    );
    this.ofRequest = db.prepare('SELECT change FROM capacity_changes WHERE request_id = ? ORDER BY seq');
  }

  async record(change: CapacityChange): Promise<void> {
    const r = change.request;
    try {
      this.insert.run(r.request_id, change.seq, Date.parse(change.at), Date.parse(r.created_at), JSON.stringify(change));
    } catch (err) {
      throw new DomainError('unavailable', 'the capacity store could not write to disk', undefined, { cause: err });
    }
  }

  async latest(sinceMs: number): Promise<CapacityRequest[]> {
    const rows = this.latestSince.all(sinceMs) as { change: string }[];
    return rows.map((row) => (JSON.parse(row.change) as CapacityChange).request);
  }

  async changes(requestId: string): Promise<CapacityChange[]> {
    return (this.ofRequest.all(requestId) as { change: string }[]).map((row) => JSON.parse(row.change) as CapacityChange);
  }
}
