/**
 * The HTTP adapter of the ClickHouse port (@clickhouse/client): what the product uses against a
 * ClickHouse server, 18.16 (Debian, CI) or current (24-26, users).
 */
import { createClient, ClickHouseLogLevel, type ClickHouseSettings } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { sql, type Sql } from './sql.js';

export interface HttpConnectionOptions {
  /** e.g. http://127.0.0.1:8123 (CLICKHOUSE_URL). */
  url: string;
  /** Per request (default 30 s): a bulk INSERT ... SELECT of a million rows fits. */
  requestTimeoutMs?: number;
}

/** Opens a connection to a ClickHouse server over HTTP; nothing is sent until the first statement. */
export function openHttpConnection(options: HttpConnectionOptions): ClickHouseConnection {
  const client = createClient({
    url: options.url,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // NOTE: 18.16 knows no async_insert and no query parameters, and quotes 64-bit integers in
    // JSON by default (current versions do not): pinned to numbers on both.
    // max_query_size: IN lists of a batch's ids exceed the 256 KiB default (values still reach SQL
    // only through the literal formatter; ids are at most 64 characters).
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0, max_query_size: '16777216' },
    log: { level: ClickHouseLogLevel.OFF },
  });

  // TRICKY: async_insert defaults to 1 since 26.2, which makes every INSERT wait for a buffer
  // flush; 18.16 refuses the setting as unknown. So it is pinned to 0 only where the server lists
  // it, asked once (at the first insert, so that opening never needs the server), again after a
  // failed ask.
  let insertSettings: Promise<ClickHouseSettings> | undefined;
  const settingsForInsert = (): Promise<ClickHouseSettings> => {
    if (insertSettings) return insertSettings;
    const asked = (async (): Promise<ClickHouseSettings> => {
      const rs = await client.query({ query: sql`SELECT name FROM system.settings WHERE name = 'async_insert'`.text, format: 'JSONEachRow' });
      return ((await rs.json()) as unknown[]).length > 0 ? { async_insert: 0 } : {};
    })();
    insertSettings = asked;
    asked.catch(() => {
      if (insertSettings === asked) insertSettings = undefined;
    });
    return asked;
  };

  return {
    adapter: 'http',
    location: options.url,

    async query<T>(statement: Sql): Promise<T[]> {
      const rs = await client.query({ query: statement.text, format: 'JSONEachRow' });
      return (await rs.json()) as T[];
    },

    async insert(table: Sql, rows: readonly object[]): Promise<void> {
      if (rows.length === 0) return;
      const clickhouse_settings = await settingsForInsert();
      await client.insert({ table: table.text, values: rows as object[], format: 'JSONEachRow', clickhouse_settings });
    },

    async insertTsv(table: Sql, columns: readonly string[], payload: Buffer): Promise<void> {
      if (payload.length === 0) return;
      const clickhouse_settings = await settingsForInsert();
      await client.insert({ table: table.text, values: Readable.from([payload], { objectMode: false }), format: 'TabSeparated', columns: columns as [string, ...string[]], clickhouse_settings });
    },

    async command(statement: Sql): Promise<void> {
      await client.command({ query: statement.text });
    },

    async ping(): Promise<void> {
      const result = await client.ping();
      if (!result.success) throw result.error;
    },

    close(): Promise<void> {
      return client.close();
    },
  };
}
