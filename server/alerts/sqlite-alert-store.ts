/** The `AlertStore` of the durable embedded default: one row per alert in the data directory (table `alerts`). */
import { DomainError } from '../../contracts/errors.js';
import type { DataDir } from '../../streams/durable/data-dir.js';
import type { StoredAlert } from './alert-book.js';
import type { AlertStore } from './alert-store.js';

export class SqliteAlertStore implements AlertStore {
  private readonly upsert;
  private readonly saveAll;
  private readonly since;

  constructor(dir: DataDir) {
    const db = dir.db;
    this.upsert = db.prepare('INSERT INTO alerts (id, updated_at, alert) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, alert = excluded.alert');
    this.saveAll = db.transaction((alerts: readonly StoredAlert[]) => {
      for (const a of alerts) this.upsert.run(a.alert.id, Date.parse(a.alert.updated_at), JSON.stringify(a));
    });
    this.since = db.prepare('SELECT alert FROM alerts WHERE updated_at >= ? ORDER BY updated_at');
  }

  async save(alerts: readonly StoredAlert[]): Promise<void> {
    try {
      this.saveAll(alerts);
    } catch (err) {
      throw new DomainError('unavailable', 'the alerts could not be written to disk', undefined, { cause: err });
    }
  }

  async load(sinceMs: number): Promise<StoredAlert[]> {
    return (this.since.all(sinceMs) as { alert: string }[]).map((row) => JSON.parse(row.alert) as StoredAlert);
  }
}
