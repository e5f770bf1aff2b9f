/**
 * The `AuditLog` on ClickHouse: one row per record in `audit_log` (migration 003), `details` as
 * JSON. Values reach SQL only through the literal formatter (streams/clickhouse/sql.ts); rows are
 * inserted as JSONEachRow data through the connection (clickhouse-port.ts). A query reads only the time range it asks for (the table
 * is ordered by `at`).
 */
import type { ClickHouseConnection } from '../../streams/clickhouse/clickhouse-port.js';
import type { AuditRecord } from '../../contracts/audit.js';
import { ident, Sql, sql } from '../../streams/clickhouse/sql.js';
import { forStorage, type AuditLog, type AuditQuery } from './audit-log.js';

interface AuditRow {
  id: string;
  at: number | string;
  actor: string;
  role: string;
  action: string;
  target: string;
  details: string;
}

export class ClickHouseAuditLog implements AuditLog {
  readonly kind = 'clickhouse';
  private readonly db: Sql;

  /** Uses a connection and database whose migrations have run (openClickHouseStore applies them). */
  constructor(private readonly connection: ClickHouseConnection, database: string) {
    this.db = ident(database);
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    const rows = forStorage(records).map((r) => ({
      id: r.id,
      at: Date.parse(r.at),
      actor: r.actor,
      role: r.role,
      action: r.action,
      target: r.target,
      details: JSON.stringify(r.details),
    }));
    if (rows.length === 0) return;
    await this.connection.insert(sql`${this.db}.audit_log`, rows);
  }

  async query(q: AuditQuery): Promise<AuditRecord[]> {
    const where: Sql[] = [sql`1 = 1`];
    if (q.from !== undefined) where.push(sql`at >= ${Math.ceil(q.from)}`);
    if (q.to !== undefined) where.push(sql`at < ${Math.ceil(q.to)}`);
    if (q.action !== undefined) where.push(sql`action = ${q.action}`);
    const conditions = where.map((w) => w.text).join(' AND ');
    // NOTE: LIMIT 1 BY id keeps one row of a record a retried insert stored twice (ClickHouse 18.16 has it too).
    const query = sql`SELECT id, at, actor, role, action, target, details FROM ${this.db}.audit_log WHERE ${new Sql(conditions)} ORDER BY at DESC, id DESC LIMIT 1 BY id LIMIT ${Math.floor(q.limit)}`;
    return (await this.connection.query<AuditRow>(query)).map(
      (row) =>
        ({
          id: row.id,
          at: new Date(Number(row.at)).toISOString(),
          actor: row.actor,
          role: row.role,
          action: row.action,
          target: row.target,
          details: JSON.parse(row.details) as unknown,
        }) as AuditRecord,
    );
  }
}
