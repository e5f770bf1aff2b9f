/**
 * The `AuditLog` in process memory: the embedded engine's audit trail until the embedded engine
 * is durable. Records are kept in the order they were appended; a query scans them (an audit
 * trail is small next to events: acknowledgements, capacity changes, start-ups, bursts).
 */
import type { AuditRecord } from '../../contracts/audit.js';
import { forStorage, newestFirst, type AuditLog, type AuditQuery } from './audit-log.js';

export class EmbeddedAuditLog implements AuditLog {
  readonly kind = 'embedded';
  private readonly records: AuditRecord[] = [];
  private readonly ids = new Set<string>();

  /** `maxRecords`: the oldest appended records go beyond it, so memory stays bounded. */
  constructor(private readonly maxRecords = 100_000) {}

  async append(records: readonly AuditRecord[]): Promise<void> {
    for (const record of forStorage(records)) {
      if (this.ids.has(record.id)) continue;
      this.ids.add(record.id);
      this.records.push(structuredClone(record));
    }
    if (this.records.length > this.maxRecords) {
      const gone = this.records.splice(0, this.records.length - this.maxRecords);
      for (const r of gone) this.ids.delete(r.id);
    }
  }

  async query(q: AuditQuery): Promise<AuditRecord[]> {
    return this.records
      .filter((r) => {
        const at = Date.parse(r.at);
        return (q.from === undefined || at >= q.from) && (q.to === undefined || at < q.to) && (q.action === undefined || r.action === q.action);
      })
      .sort(newestFirst)
      .slice(0, q.limit)
      .map((r) => structuredClone(r));
  }
}
