/**
 * The ClickHouse versions the store tests run on, one `describe` each: the server on loopback over
 * HTTP (Debian's 18.16 in CI, as `npm run services:up` starts it), and chDB in-process (current
 * ClickHouse, 26.7 with chdb 3.4.0) on a temporary directory of this process. chdb is not a
 * dependency (about 550 MB): `.ci/run` installs it with `npm install --no-save chdb@3.4.0`.
 * Without it the chdb side skips saying why; with CI=true the file fails instead (as engines.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { loadChdb, openChdbConnection } from '../../streams/clickhouse/chdb-connection.js';
import { serverVersion, type ClickHouseConnection } from '../../streams/clickhouse/clickhouse-port.js';
import { openHttpConnection } from '../../streams/clickhouse/http-connection.js';
import { ident, sql } from '../../streams/clickhouse/sql.js';
import type { Engines } from './engines.js';

export interface ClickHouseTarget {
  adapter: 'http' | 'chdb';
  ok: boolean;
  /** Why it cannot be used, when not ok. */
  reason?: string;
  /** `SELECT version()`, when ok. */
  version?: string;
  /** A new connection of its own (a store opened on it closes it). */
  connect(): Promise<ClickHouseConnection>;
}

/**
 * One chDB data directory per test file (libchdb binds one per process; sessions on it coexist),
 * removed after the file once every session has let go of it. Each test keeps to databases of
 * its own in it. NOTE: removed here, not at process exit: vitest ends its workers without an
 * `exit` event, and a dropped database stays on disk for minutes (Atomic's delayed drop).
 */
function chdbDir(): () => string {
  let dir: string | undefined;
  afterAll(async () => {
    if (!dir) return;
    await (await loadChdb()).drainPending();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), 'occ-chdb-')));
}

async function probe(target: ClickHouseTarget): Promise<ClickHouseTarget> {
  const connection = await target.connect();
  try {
    target.version = await serverVersion(connection);
    console.info(`ClickHouse ${target.version} over ${target.adapter} (${connection.location})`);
    return target;
  } finally {
    await connection.close();
  }
}

let probed: Promise<ClickHouseTarget[]> | undefined;

/** The HTTP server (when `engines` answer) and chDB (when installed), each probed for its version. */
export function clickHouseTargets(engines: Engines): Promise<ClickHouseTarget[]> {
  probed ??= (async () => {
    const http: ClickHouseTarget = {
      adapter: 'http',
      ok: engines.ok,
      reason: engines.reason,
      connect: async () => openHttpConnection({ url: engines.clickhouseUrl }),
    };
    const dir = chdbDir();
    const chdb: ClickHouseTarget = { adapter: 'chdb', ok: true, connect: () => openChdbConnection(dir()) };
    try {
      await loadChdb();
    } catch (err) {
      chdb.ok = false;
      chdb.reason = (err as Error).message.split('\n')[0];
      if (process.env.CI === 'true') throw new Error(`the chDB side of the ClickHouse tests cannot run: ${chdb.reason}. With CI=true it fails rather than skips.`);
      console.warn(`SKIPPING the chDB (current ClickHouse) side: ${chdb.reason}`);
    }
    return Promise.all([http, chdb].map((t) => (t.ok ? probe(t) : t)));
  })();
  return probed;
}

/** `describe(name [adapter, version])` per target; a skipped one, saying why, for a target that cannot run. */
export function describeOnClickHouse(targets: readonly ClickHouseTarget[], name: string, fn: (target: ClickHouseTarget) => void): void {
  for (const target of targets) {
    if (target.ok) describe(`${name} [${target.adapter}: ClickHouse ${target.version}]`, () => fn(target));
    else describe.skip(`${name} [${target.adapter}] (skipped: ${target.reason ?? 'unavailable'})`, () => fn(target));
  }
}

/** Drops a test database through the port (the tests name theirs with uniqueName, so nothing else is touched). */
export async function dropTestDatabase(connection: ClickHouseConnection, name: string): Promise<void> {
  if (!/^ops_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await connection.command(sql`DROP DATABASE IF EXISTS ${ident(name)}`);
}
