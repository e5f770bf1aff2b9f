/**
 * The in-process adapter of the ClickHouse port: chDB (the npm package `chdb`, current ClickHouse
 * as a library) on a data directory. Tests run the store on it to hold the product to current
 * ClickHouse as well as to 18.16. `chdb` is not a dependency of the product (about 550 MB): it is
 * loaded on first use, and opening says how to install it when it is missing.
 *
 * TRICKY: libchdb binds one data directory per process. Sessions on the same directory coexist
 * (one per connection here); a different directory needs every earlier session closed first.
 */
import type { ClickHouseConnection } from './clickhouse-port.js';
import { sql, type Sql } from './sql.js';

/** The part of chdb's API used here (chdb 3.4; its own types are not needed to build without it). */
interface ChdbSession {
  queryAsync(query: string, options?: { format?: string }): Promise<{ text(): string }>;
  insert(params: { table: string; values: Buffer; format: 'JSONEachRow' | 'TabSeparated'; columns?: readonly string[] }): Promise<unknown>;
  close(): void;
}
interface ChdbModule {
  Session: new (path: string, options?: { connectionArgs?: readonly string[] }) => ChdbSession;
  version(): { chdb: string; libchdb: string };
  /** Resolves once no native query, insert or closing session is outstanding. */
  drainPending(): Promise<void>;
}

export const CHDB_INSTALL = 'npm install --no-save chdb@3.4.0';

let loaded: Promise<ChdbModule> | undefined;

/** Loads chdb once; rejects saying how to install it when it is missing. */
export function loadChdb(): Promise<ChdbModule> {
  // NOTE: a specifier in a variable: TypeScript does not resolve it, so the project builds and
  // runs without chdb installed.
  const specifier = 'chdb';
  loaded ??= (import(specifier) as Promise<ChdbModule>).catch((err: Error) => {
    loaded = undefined;
    throw new Error(`chdb is not installed or does not load (${CHDB_INSTALL}): ${err.message}`);
  });
  return loaded;
}

/**
 * The settings both adapters pin (the HTTP adapter sends them with each request): 64-bit integers
 * as JSON numbers, long IN lists, and no async inserts (on by default since 26.2: each INSERT
 * would wait for a buffer flush).
 */
const CONNECTION_ARGS = ['--output_format_json_quote_64bit_integers=0', '--max_query_size=16777216', '--async_insert=0'];

/** Opens a chDB session on `path` (created if missing). */
export async function openChdbConnection(path: string): Promise<ClickHouseConnection> {
  const chdb = await loadChdb();
  const session = new chdb.Session(path, { connectionArgs: CONNECTION_ARGS });
  let closed = false;
  const run = async (statement: Sql, format?: string): Promise<string> => {
    if (closed) throw new Error('the chDB connection is closed');
    return (await session.queryAsync(statement.text, format ? { format } : undefined)).text();
  };
  return {
    adapter: 'chdb',
    location: `chdb:${path}`,

    async query<T>(statement: Sql): Promise<T[]> {
      const text = await run(statement, 'JSONEachRow');
      // One object per line; a newline inside a value is escaped by JSONEachRow.
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
    },

    async insert(table: Sql, rows: readonly object[]): Promise<void> {
      if (closed) throw new Error('the chDB connection is closed');
      if (rows.length === 0) return;
      // The rows travel as data (INSERT INTO t FORMAT JSONEachRow + payload), never as SQL text.
      const payload = Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n', 'utf8');
      await session.insert({ table: table.text, values: payload, format: 'JSONEachRow' });
    },

    async insertTsv(table: Sql, columns: readonly string[], payload: Buffer): Promise<void> {
      if (closed) throw new Error('the chDB connection is closed');
      if (payload.length === 0) return;
      await session.insert({ table: table.text, values: payload, format: 'TabSeparated', columns });
    },

    async command(statement: Sql): Promise<void> {
      await run(statement);
    },

    async ping(): Promise<void> {
      await run(sql`SELECT 1`);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      session.close();
    },
  };
}
