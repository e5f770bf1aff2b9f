/**
 * Numbered migrations (migrations/NNN_name.sql), applied in order at start and recorded in
 * `schema_migrations`. `{db}` in a file stands for the database; statements end with `;`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { ident, Sql, sql } from './sql.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** The migrations shipped with the code, in order. */
export function loadMigrations(database: string): Migration[] {
  const db = ident(database).text;
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(MIGRATIONS_DIR + file, 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .replaceAll('{db}', db);
      return {
        version: Number(file.slice(0, 3)),
        name: file,
        statements: text.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean),
      };
    });
}

/** Creates the database if needed and applies the migrations it has not seen; returns what it applied. */
export async function migrate(connection: ClickHouseConnection, database: string): Promise<string[]> {
  const db = ident(database);
  await connection.command(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
  await connection.command(
    sql`CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
  );
  const rows = await connection.query<{ version: number }>(sql`SELECT version FROM ${db}.schema_migrations`);
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: string[] = [];
  for (const m of loadMigrations(database)) {
    if (done.has(m.version)) continue;
    // NOTE: every statement is IF NOT EXISTS, so a migration cut short is safe to run again.
    // The statements come from the shipped files (identifiers only, no values): Sql as they are.
    for (const statement of m.statements) await connection.command(new Sql(statement));
    // NOTE: INSERT ... SELECT, not a JSONEachRow insert: 18.16 fills a field omitted from
    // JSONEachRow with the type's zero (1970), not its DEFAULT (now()) as current versions do.
    await connection.command(sql`INSERT INTO ${db}.schema_migrations (version, name) SELECT ${m.version}, ${m.name}`);
    applied.push(m.name);
  }
  return applied;
}
