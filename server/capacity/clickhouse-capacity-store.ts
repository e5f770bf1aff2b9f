/**
 * The `CapacityStore` on ClickHouse: one row per state change in `capacity_request_changes`
 * (migration 002). Reads are bounded by `created_at`, so their cost follows the requests asked
 * for, not the length of history. Values reach SQL only through the literal formatter.
 */
import type { ClickHouseConnection } from '../../streams/clickhouse/clickhouse-port.js';
import { ident, sql, type Sql } from '../../streams/clickhouse/sql.js';
import type { CapacityChange, CapacityRequest } from '../../contracts/alerts.js';
import type { CapacityStore } from './capacity-store.js';

interface ChangeRow {
  change: string;
  seq: number;
  at: number;
  request: string;
}

export class ClickHouseCapacityStore implements CapacityStore {
  readonly kind = 'clickhouse';
  private readonly db: Sql;

  /** Uses a connection and database whose migrations have run (openClickHouseStore applies them). */
  constructor(private readonly connection: ClickHouseConnection, database: string) {
    this.db = ident(database);
  }

  async record(change: CapacityChange): Promise<void> {
    const r = change.request;
    await this.connection.insert(sql`${this.db}.capacity_request_changes`, [
      {
        request_id: r.request_id,
        seq: change.seq,
        at: Date.parse(change.at),
        change: change.change,
        state: r.state,
        queue: r.queue,
        partner: r.partner,
        alert_id: r.alert_id,
        created_at: Date.parse(r.created_at),
        request: JSON.stringify(r),
      },
    ]);
  }

  async latest(sinceMs: number): Promise<CapacityRequest[]> {
    const query = sql`SELECT argMax(request, seq) AS request FROM ${this.db}.capacity_request_changes WHERE created_at >= ${Math.floor(sinceMs)} GROUP BY request_id`;
    return (await this.connection.query<{ request: string }>(query))
      .map((row) => JSON.parse(row.request) as CapacityRequest)
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.request_id.localeCompare(a.request_id));
  }

  async changes(requestId: string): Promise<CapacityChange[]> {
    const query = sql`SELECT change, seq, at, request FROM ${this.db}.capacity_request_changes WHERE request_id = ${requestId} ORDER BY seq`;
    return (await this.connection.query<ChangeRow>(query)).map((row) => ({
      change: row.change,
      seq: Number(row.seq),
      at: new Date(Number(row.at)).toISOString(),
      request: JSON.parse(row.request) as CapacityRequest,
    }));
  }
}
