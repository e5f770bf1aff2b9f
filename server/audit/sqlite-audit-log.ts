/**
 * The `AuditLog` of the durable embedded default: one row per record in the data directory's
 * SQLite database (table `audit_log`), stored when `append` resolves. An id is stored once
 * (`INSERT OR IGNORE`); ids compare as UTF-8 bytes (SQLite's BINARY collation), as the port says.
 * Retention does not trim it: an audit trail outlives the operational history it accounts for.
 */
import type { AuditRecord } from '../../contracts/audit.js';
import { DomainError } from '../../contracts/errors.js';
import type { DataDir } from '../../streams/durable/data-dir.js';
import { forStorage, type AuditLog, type AuditQuery } from './audit-log.js';

export class SqliteAuditLog implements AuditLog {
  readonly kind = 'embedded';
  private readonly insert;
  private readonly insertAll;
  private readonly select;

  constructor(dir: DataDir) {
    const db = dir.db;
    this.insert = db.prepare('INSERT OR IGNORE INTO audit_log (id, at, action, record) VALUES (?, ?, ?, ?)');
    this.insertAll = db.transaction((records: readonly AuditRecord[]) => {
      for (const r of records) this.insert.run(r.id, Date.parse(r.at), r.action, JSON.stringify(r));
    });
    // NOTE: NULL bounds stand for "no bound", so one statement serves every query.
    this.select = db.prepare(
      `SELECT record FROM audit_log
        WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) AND (@action IS NULL OR action = @action)
        ORDER BY at DESC, id DESC LIMIT @limit`,
    );
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    const checked = forStorage(records);
    try {
      this.insertAll(checked);
    } catch (err) {
      throw new DomainError('unavailable', 'the audit trail could not write to disk', undefined, { cause: err });
    }
  }

  async query(q: AuditQuery): Promise<AuditRecord[]> {
    const rows = this.select.all({ from: q.from ?? null, to: q.to ?? null, action: q.action ?? null, limit: q.limit }) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as AuditRecord);
  }
}
