/**
 * The narrow port through which the store, the capacity store, the audit trail and the migrations
 * use ClickHouse: statements built by the literal formatter (sql.ts) in, JSONEachRow rows out, rows
 * inserted as JSONEachRow or TabSeparated data (never spliced into SQL). Two adapters: HTTP to a server
 * (http-connection.ts, the product) and chDB in-process (chdb-connection.ts, current ClickHouse
 * for the tests), so every statement of the product runs on 18.16 and on 26.x alike.
 */
import { sql, type Sql } from './sql.js';

export interface ClickHouseConnection {
  /** Which adapter: `http` (a server) or `chdb` (in-process). */
  readonly adapter: 'http' | 'chdb';
  /** Where it reaches, for logs and test titles: the URL, or `chdb:<data directory>`. */
  readonly location: string;
  /** Runs a SELECT; its rows as JSONEachRow objects (64-bit integers as JSON numbers on every adapter). */
  query<T>(statement: Sql): Promise<T[]>;
  /** Inserts rows as JSONEachRow data into `table` (`db.table`, built from identifiers only). */
  insert(table: Sql, rows: readonly object[]): Promise<void>;
  /** Inserts TabSeparated data (tsv.ts: one line per row, `columns` in order) into `table`. */
  insertTsv(table: Sql, columns: readonly string[], payload: Buffer): Promise<void>;
  /** Runs a statement that returns nothing (DDL, INSERT ... SELECT, DROP). */
  command(statement: Sql): Promise<void>;
  /** Resolves when ClickHouse answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `SELECT version()` through the port, e.g. `18.16.1` or `26.7.2.1`. */
export async function serverVersion(connection: ClickHouseConnection): Promise<string> {
  const rows = await connection.query<{ v: string }>(sql`SELECT version() AS v`);
  return rows[0].v;
}
