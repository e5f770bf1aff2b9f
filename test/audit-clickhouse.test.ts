/**
 * The audit trail on ClickHouse (migration 003, `audit_log`) against real ClickHouse, on loopback
 * (18.16) and in-process (chDB, current ClickHouse):
 * the same records appended to it and to the in-memory adapter give the same answer to every
 * query (time bounds, action, limit, same-instant ties, a record appended twice), and values with
 * quotes, backslashes and unicode round-trip through the literal formatter.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_ACTIONS, type AuditRecord } from '../contracts/audit.js';
import type { AuditQuery } from '../server/audit/audit-log.js';
import { ClickHouseAuditLog } from '../server/audit/clickhouse-audit-log.js';
import { EmbeddedAuditLog } from '../server/audit/embedded-audit-log.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { sql } from '../streams/clickhouse/sql.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { refConfig } from './support/random-events.js';
import { auditSamples as records, T0, MIN, iso } from './support/audit-samples.js';

const targets = await clickHouseTargets(await requireEngines());

describeOnClickHouse(targets, 'the audit trail stored in ClickHouse (migration 003)', (target) => {
  let metrics: ClickHouseStore;
  let clickhouse: ClickHouseAuditLog;
  const embedded = new EmbeddedAuditLog();
  beforeAll(async () => {
    metrics = await openClickHouseStore({ connection: await target.connect(), database: uniqueName('ops_test'), config: refConfig });
    clickhouse = new ClickHouseAuditLog(metrics.connection, metrics.database);
    const all = records();
    // In two appends, the second repeating a record (a retried append): it is stored once.
    for (const batch of [all.slice(0, 5), all.slice(4)]) {
      await clickhouse.append(batch);
      await embedded.append(batch);
    }
  });
  afterAll(async () => {
    if (!metrics) return;
    await dropTestDatabase(metrics.connection, metrics.database);
    await metrics.close();
  });

  it('creates audit_log as a MergeTree ordered by (at, id)', async () => {
    const rows = await metrics.connection.query(sql`SELECT engine, sorting_key FROM system.tables WHERE database = ${metrics.database} AND name = 'audit_log'`);
    expect(rows).toEqual([{ engine: 'MergeTree', sorting_key: 'at, id' }]);
  });

  it('answers like the in-memory adapter: newest first, ties by id, each record once, text intact', async () => {
    const got = await clickhouse.query({ limit: 100 });
    expect(got).toEqual(await embedded.query({ limit: 100 }));
    expect(got.map((r) => r.id)).toEqual(['a-08', 'a-10', 'a-07', 'a-09', 'a-06', 'a-05', 'a-04', 'a-03', 'a-02', 'a-01']);
    const byId = new Map(records().map((r) => [r.id, r]));
    for (const r of got) expect(r).toEqual({ ...byId.get(r.id), at: new Date(Date.parse(byId.get(r.id)!.at)).toISOString() });
  });

  it('filters by time (from inclusive, to exclusive), action and limit alike', async () => {
    const queries: AuditQuery[] = [
      { from: T0 + 2 * MIN, limit: 100 },
      { to: T0 + 2 * MIN, limit: 100 },
      { from: T0 + 2 * MIN, to: T0 + 2 * MIN + 1, limit: 100 },
      { from: T0 + 5 * MIN, to: T0 + 5 * MIN + 1, limit: 100 },
      { from: T0 + 2 * MIN, limit: 2 },
      { action: 'alert.acknowledged', limit: 100 },
      { action: 'capacity.answered', from: T0, to: T0 + 3 * MIN, limit: 1 },
      { action: 'auth.failed_burst', to: T0, limit: 100 },
      { from: T0 + 100 * MIN, limit: 5 },
    ];
    for (const q of queries) expect(await clickhouse.query(q), JSON.stringify(q)).toEqual(await embedded.query(q));
    expect((await clickhouse.query({ from: T0 + 2 * MIN, to: T0 + 2 * MIN + 1, limit: 100 })).map((r) => r.id)).toEqual(['a-05', 'a-04', 'a-03']);
  });

  it('any query: the same answer from both (random bounds, actions and limits)', async () => {
    const bound = fc.option(fc.integer({ min: T0 - MIN, max: T0 + 15 * MIN }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(bound, bound, fc.option(fc.constantFrom(...AUDIT_ACTIONS), { nil: undefined }), fc.integer({ min: 1, max: 12 }), async (from, to, action, limit) => {
        const q: AuditQuery = { from, to, action, limit };
        expect(await clickhouse.query(q)).toEqual(await embedded.query(q));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a record that breaks the contract, storing nothing of its batch', async () => {
    const good = { ...records()[0], id: 'z-good' };
    const bad = { ...records()[0], id: 'z-bad', details: { config_sha256: 'not hex' } } as unknown as AuditRecord;
    await expect(clickhouse.append([good, bad])).rejects.toThrow(/^not an audit record: details/);
    await expect(embedded.append([good, bad])).rejects.toThrow(/^not an audit record: details/);
    expect((await clickhouse.query({ limit: 100 })).some((r) => r.id === 'z-good')).toBe(false);
    expect((await embedded.query({ limit: 100 })).some((r) => r.id === 'z-good')).toBe(false);
  });
});
