/**
 * The narrow port through which the store, the capacity store, the audit trail and the migrations
 * use ClickHouse: statements built by the literal formatter (sql.ts) in, JSONEachRow rows out, rows
 * inserted as JSONEachRow or TabSeparated data (never spliced into SQL). Two adapters: HTTP to a server
 * (http-connection.ts, the product) and chDB in-process (chdb-connection.ts, current ClickHouse
 * for the tests), so every statement of the product runs on 18.16 and on 26.x alike.
 */
import { Sql, sql } from './sql.js';

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

/** The former `store.client` surface (`command`/`query` with `{ query }`), kept for callers not yet on the port. */
export interface ClickHouseClientLike {
  command(params: { query: string }): Promise<void>;
  query(params: { query: string; format: 'JSONEachRow' }): Promise<{ json(): Promise<unknown[]> }>;
}

/** That surface over a connection; the text goes through as it is (callers build it with sql.ts). */
export function clientOver(connection: ClickHouseConnection): ClickHouseClientLike {
  return {
    command: ({ query }) => connection.command(new Sql(query)),
    async query({ query }) {
      const rows = await connection.query<unknown>(new Sql(query));
      return { json: async () => rows };
    },
  };
}
