/**
 * `MetricsStore.teamStarts` on ClickHouse (18.16 over HTTP, current ClickHouse in chDB) equals the
 * embedded engine's on random event sets (late and out-of-order starts, duplicates, tasks never
 * created), written in several batches, over random ranges whose edges fall inside an hour, on an
 * hour and exactly on a start.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { OpsEvent } from '../contracts/events.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import type { TeamStarts } from '../streams/metrics-store.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { eventSetArb, REF_NOW, refConfig } from './support/random-events.js';

const targets = await clickHouseTargets(await requireEngines());
const H = 3600_000;
const plain = (rows: readonly TeamStarts[]) => rows.map((r) => ({ ...r, waitsMs: [...r.waitsMs] }));

/** A range edge: on the hour, on a minute, any millisecond, around the random events' span. */
const edge = fc.oneof(
  fc.integer({ min: -4, max: 1 }).map((h) => REF_NOW + h * H),
  fc.integer({ min: -200, max: 5 }).map((m) => REF_NOW + m * 60_000),
  fc.integer({ min: -4 * H, max: 5 * 60_000 }).map((ms) => REF_NOW + ms),
);

describeOnClickHouse(targets, 'teamStarts on ClickHouse against the embedded engine', (target) => {
  const stores: ClickHouseStore[] = [];
  afterAll(async () => {
    for (const store of stores) {
      await dropTestDatabase(store.connection, store.database);
      await store.close();
    }
  });

  it('gives the same starts, attainment and waits per queue and team', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(eventSetArb, fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(edge, edge), { minLength: 1, maxLength: 3 }), async (delivered, batches, ranges) => {
        const engine = new MetricsEngine(refConfig);
        const store = await openClickHouseStore({ connection: await target.connect(), database: uniqueName('ops_test'), config: refConfig });
        stores.push(store);
        const size = Math.ceil(delivered.length / batches) || 1;
        for (let i = 0; i < delivered.length; i += size) {
          const chunk: OpsEvent[] = delivered.slice(i, i + size);
          for (const e of chunk) engine.apply(e);
          await store.apply(chunk);
        }
        const starts = delivered.filter((e) => e.type === 'task.started').map((e) => Date.parse(e.occurred_at));
        const all = [[REF_NOW - 5 * H, REF_NOW + H], ...ranges.map(([a, b]) => [Math.min(a, b), Math.max(a, b)]), ...starts.slice(0, 1).flatMap((s) => [[s, s + H], [s - H, s]])];
        for (const [from, to] of all) {
          const want = plain(engine.teamStarts(from, to));
          if (want.length > 0) nonEmpty++;
          expect(plain(await store.teamStarts(from, to))).toEqual(want);
        }
      }),
      { numRuns: 25 },
    );
    // The comparison was not of empty lists only.
    expect(nonEmpty).toBeGreaterThan(10);
  });
});
