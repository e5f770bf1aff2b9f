/**
 * The `AuditLog` port (SPEC section 10): an append-only store of audit records and the one query
 * `GET /api/audit` asks. Adapters: in memory (embedded-audit-log.ts) and ClickHouse
 * (clickhouse-audit-log.ts); engines.ts opens the one that matches the other engines.
 *
 * What every adapter must do, so they answer alike (test/audit-clickhouse.test.ts compares them):
 * - `append` resolves once every record is stored, and rejects when any may not be. It checks
 *   each record against the contract first (`forStorage`): a record that breaks it stores nothing.
 * - `at` reads back as the ISO form of its millisecond (`2026-11-26T09:00:00.000Z`).
 * - An id is stored once: appending a record whose id is already there is not an error, and the
 *   query still shows it once (a retried append cannot double a record).
 * - `query`: `at >= from` and `at < to` (milliseconds since the epoch, both optional), `action`
 *   when given, newest first by `at` then by `id` (compared as UTF-8 bytes), at most `limit`.
 */
import { auditRecordSchema, type AuditAction, type AuditRecord } from '../../contracts/audit.js';
import { describeIssues } from '../../contracts/issues.js';

export interface AuditQuery {
  /** Inclusive, milliseconds since the epoch. */
  from?: number;
  /** Exclusive, milliseconds since the epoch. */
  to?: number;
  action?: AuditAction;
  /** At most this many records (the newest). */
  limit: number;
}

export interface AuditLog {
  readonly kind: string;
  /** Stores the records; resolves once they are stored. */
  append(records: readonly AuditRecord[]): Promise<void>;
  /** The records that match, newest first. */
  query(query: AuditQuery): Promise<AuditRecord[]>;
}

/** The adapters' order: newest first by `at`, then by `id` as UTF-8 bytes (as ClickHouse compares strings). */
export function newestFirst(a: AuditRecord, b: AuditRecord): number {
  return Date.parse(b.at) - Date.parse(a.at) || Buffer.compare(Buffer.from(b.id), Buffer.from(a.id));
}

/** The records as an adapter stores them: checked against the contract, `at` in its ISO form. Throws on a bad record. */
export function forStorage(records: readonly AuditRecord[]): AuditRecord[] {
  return records.map((record) => {
    const parsed = auditRecordSchema.safeParse(record);
    if (!parsed.success) throw new TypeError(`not an audit record: ${describeIssues(parsed.error.issues, { subject: 'record' })}`);
    return { ...parsed.data, at: new Date(Date.parse(parsed.data.at)).toISOString() };
  });
}
