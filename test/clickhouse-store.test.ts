import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { loadMigrations } from '../streams/clickhouse/migrate.js';
import { ident, sql } from '../streams/clickhouse/sql.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import type { OpsEvent } from '../contracts/events.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { KNOWN, KNOWN_REGISTRATION, KNOWN_TEAMS } from './support/known-events.js';
import { eventSetArb, REF_NOW, refConfig } from './support/random-events.js';

const targets = await clickHouseTargets(await requireEngines());

const withoutTime = <T extends { generated_at: string }>(x: T) => ({ ...x, generated_at: undefined });

describeOnClickHouse(targets, 'ClickHouse store against the embedded engine', (target) => {
  const databases: ClickHouseStore[] = [];
  /** A store on a new database, or on `database` again (a second worker or a restart: cold cache). */
  async function freshStore(database?: string): Promise<ClickHouseStore> {
    const store = await openClickHouseStore({ connection: await target.connect(), database: database ?? uniqueName('ops_test'), config: refConfig });
    databases.push(store);
    return store;
  }
  afterAll(async () => {
    const dropped = new Set<string>();
    for (const store of databases) {
      if (!dropped.has(store.database)) await dropTestDatabase(store.connection, store.database);
      dropped.add(store.database);
      await store.close();
    }
  });

  it('gives identical snapshots and history for random event sets, batches replayed, caches cold', async () => {
    await fc.assert(
      fc.asyncProperty(eventSetArb, fc.integer({ min: 1, max: 5 }), fc.nat(), async (delivered, batches, replayPick) => {
        const engine = new MetricsEngine(refConfig);
        const store = await freshStore();
        const size = Math.ceil(delivered.length / batches) || 1;
        const chunks: OpsEvent[][] = [];
        for (let i = 0; i < delivered.length; i += size) chunks.push(delivered.slice(i, i + size));
        let writer = store;
        for (const [i, chunk] of chunks.entries()) {
          for (const e of chunk) engine.apply(e);
          const result = await writer.apply(chunk);
          // A replay (crash between insert and commit) must change nothing.
          if (i === replayPick % Math.max(1, chunks.length)) expect(await writer.apply(chunk)).toEqual({ applied: 0, duplicates: chunk.length });
          expect(result.applied + result.duplicates).toBe(chunk.length);
          // A second worker (or a restart) takes over with a cold cache.
          if (i === 0 && chunks.length > 1) writer = await freshStore(store.database);
        }
        for (const now of [REF_NOW, REF_NOW + 23 * 60_000 + 456]) {
          expect(withoutTime(await store.snapshot(now))).toEqual(withoutTime(engine.snapshot(now)));
        }
        const now = REF_NOW + 30 * 60_000;
        for (const queue of ['registration', undefined]) {
          expect(withoutTime(await store.history(queue, 240, now))).toEqual(withoutTime(engine.history(queue, 240, now)));
        }
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('agrees on every edge: SLA target, 0.8 x target, window start and now, to the millisecond', async () => {
    const events: OpsEvent[] = [];
    const iso = (ms: number) => new Date(ms).toISOString();
    let n = 0;
    for (const queue of ['registration', 'insurance']) {
      const target = refConfig.queueIndex.get(queue)!.sla.target_seconds * 1000;
      for (const edge of [target, target * 0.8, 3600_000, 0]) {
        for (const d of [-1, 0, 1]) {
          const at = REF_NOW - edge + d;
          const id = `${queue}-${edge}-${d}`;
          events.push({ event_id: `w${n++}`, type: 'task.created', occurred_at: iso(at), queue, task_id: `wait-${id}` });
          events.push({ event_id: `s${n++}`, type: 'task.created', occurred_at: iso(at - 5000), queue, task_id: `start-${id}` });
          events.push({ event_id: `s${n++}`, type: 'task.started', occurred_at: iso(at), queue, task_id: `start-${id}`, team: 'inhouse-a' });
          events.push({ event_id: `d${n++}`, type: 'task.created', occurred_at: iso(at - 9000), queue, task_id: `done-${id}` });
          events.push({ event_id: `d${n++}`, type: 'task.completed', occurred_at: iso(at), queue, task_id: `done-${id}` });
        }
      }
    }
    const engine = new MetricsEngine(refConfig);
    for (const e of events) engine.apply(e);
    const store = await freshStore();
    await store.apply(events);
    const mine = await store.snapshot(REF_NOW);
    expect(withoutTime(mine)).toEqual(withoutTime(engine.snapshot(REF_NOW)));
    expect(mine.queues[0]).toMatchObject({ waiting: 12, breached: 4, at_risk: 3, arrivals: 27 });
  });

  it('gives the hand-worked values for the known event set', async () => {
    const store = await freshStore();
    expect(await store.apply(KNOWN as OpsEvent[])).toEqual({ applied: KNOWN.length, duplicates: 0 });
    const snapshot = await store.snapshot(REF_NOW);
    const reg = snapshot.queues.find((q) => q.queue === 'registration')!;
    expect(reg).toMatchObject(KNOWN_REGISTRATION);
    const teams = Object.fromEntries(reg.teams.map((t) => [t.team, t]));
    expect(teams['inhouse-a']).toMatchObject(KNOWN_TEAMS['inhouse-a']);
    expect(teams['inhouse-b']).toMatchObject(KNOWN_TEAMS['inhouse-b']);
  });

  it('reports stored event ids and is ready', async () => {
    const store = await freshStore();
    await store.ping();
    await store.apply([{ event_id: "it's-1", type: 'task.created', occurred_at: '2026-11-26T11:00:00.000Z', queue: 'insurance', task_id: 'x' }]);
    expect(await store.knownEventIds(["it's-1", 'nope'])).toEqual(new Set(["it's-1"]));
  });

  it('records each migration with the time it ran (18.16 would leave 1970 in a field omitted from JSONEachRow)', async () => {
    const store = await freshStore();
    const rows = await store.connection.query(
      sql`SELECT version, name, applied_at > toDateTime('2020-01-01 00:00:00') AS recent FROM ${ident(store.database)}.schema_migrations ORDER BY version`,
    );
    expect(rows).toEqual(loadMigrations(store.database).map((m) => ({ version: m.version, name: m.name, recent: 1 })));
  });

  it('inserts with async_insert off where the server has the setting (on by default since 26.2)', async () => {
    const store = await freshStore();
    const listed = await store.connection.query<{ value: string }>(sql`SELECT value FROM system.settings WHERE name = 'async_insert'`);
    // chDB takes it at connect; over HTTP it goes with each insert, and only to a server that lists it.
    if (target.adapter === 'chdb') expect(listed).toEqual([{ value: '0' }]);
    else if (target.version!.startsWith('18.')) expect(listed).toEqual([]);
    // A current server over HTTP lists the setting; the adapter sends async_insert=0 with each insert.
    else expect(listed).toHaveLength(1);
  });
});
