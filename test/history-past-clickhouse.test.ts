/**
 * History as of an instant in the past (the lead's "same time last week": `offset_minutes`) on
 * ClickHouse (18.16 over HTTP, current ClickHouse in chDB) equals the embedded engine's, on random
 * event sets (late, out-of-order, duplicated) asked after the engine's clock has moved on to now.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { eventSetArb, REF_NOW, refConfig } from './support/random-events.js';

const targets = await clickHouseTargets(await requireEngines());
const MIN = 60_000;
const WEEK = 7 * 24 * 60 * MIN;

/** A past instant: within the events' span (any millisecond), or exactly a week before now. */
const pastInstant = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 200 }).map((m) => REF_NOW - m * MIN) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 * 3600_000 }).map((ms) => REF_NOW - ms) },
  { weight: 1, arbitrary: fc.constant(REF_NOW - WEEK) },
);
const queueArb = fc.constantFrom<string | readonly string[] | undefined>('registration', 'insurance', ['registration', 'insurance'], undefined);

describeOnClickHouse(targets, 'history at a past instant on ClickHouse against the embedded engine', (target) => {
  const stores: ClickHouseStore[] = [];
  afterAll(async () => {
    for (const store of stores) {
      await dropTestDatabase(store.connection, store.database);
      await store.close();
    }
  });

  it('gives the same per-minute points as of then', async () => {
    let withArrivals = 0;
    await fc.assert(
      fc.asyncProperty(eventSetArb, fc.array(fc.tuple(pastInstant, fc.constantFrom(30, 90), queueArb), { minLength: 1, maxLength: 4 }), async (events, asks) => {
        const engine = new MetricsEngine(refConfig);
        const store = await openClickHouseStore({ connection: await target.connect(), database: uniqueName('ops_test'), config: refConfig });
        stores.push(store);
        for (const e of events) engine.apply(e);
        await store.apply(events);
        // A live server's clock has moved past every event before anyone asks about the past.
        engine.advance(REF_NOW + 5 * MIN);
        for (const [at, minutes, queue] of asks) {
          const want = engine.history(queue, minutes, at);
          expect(want.generated_at).toBe(new Date(at).toISOString());
          if (want.points.some((p) => p.arrivals > 0)) withArrivals++;
          expect(await store.history(queue, minutes, at)).toEqual(want);
        }
      }),
      { numRuns: 15 },
    );
    // The comparison was not of empty minutes only.
    expect(withArrivals).toBeGreaterThan(0);
  }, 180_000);
});
