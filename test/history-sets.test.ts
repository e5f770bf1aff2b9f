/**
 * History of a set of queues combined (what a lead limited to teams may see): per minute, the sums
 * of the queues' arrivals, completions and backlog, and the waits of the set's tasks together for
 * the quantiles and SLA attainment, against a brute-force reference; ClickHouse answers the same.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import { nearestRank } from '../contracts/metrics-snapshot.js';
import { ident, sql } from '../streams/clickhouse/sql.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import { describeWithEngines, requireEngines, uniqueName } from './support/engines.js';
import { ROOT } from './support/process.js';

const config = loadConfig(`${ROOT}/seed/default-config.json`);
const QUEUES = config.queues.map((q) => q.id);
const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const MINUTE = 60_000;
const MINUTES = 40;

interface Task {
  queue: string;
  createdAgo: number;
  waitMs: number | null;
}

const taskArb = fc.record({
  queue: fc.constantFrom(...QUEUES),
  createdAgo: fc.integer({ min: 1000, max: (MINUTES - 1) * MINUTE }),
  waitMs: fc.option(fc.integer({ min: 0, max: 40 * MINUTE }), { freq: 3 }),
});

function eventsOf(tasks: Task[]): OpsEvent[] {
  return tasks.flatMap((t, i) => {
    const created = NOW - t.createdAgo;
    const events: OpsEvent[] = [{ event_id: `c${i}`, type: 'task.created', occurred_at: new Date(created).toISOString(), queue: t.queue, task_id: `t${i}` } as OpsEvent];
    if (t.waitMs !== null && created + t.waitMs <= NOW) {
      events.push({ event_id: `s${i}`, type: 'task.started', occurred_at: new Date(created + t.waitMs).toISOString(), queue: t.queue, task_id: `t${i}`, team: 'inhouse-access' } as OpsEvent);
    }
    return events;
  });
}

/** The reference: arrivals, backlog at each minute's end and the waits of starts, for `set` only. */
function reference(tasks: Task[], set: readonly string[]) {
  const first = Math.floor(NOW / MINUTE) - MINUTES + 1;
  return Array.from({ length: MINUTES }, (_, i) => {
    const from = (first + i) * MINUTE;
    const mine = tasks.filter((t) => set.includes(t.queue));
    const created = (t: Task) => NOW - t.createdAgo;
    const waits = mine
      .filter((t) => t.waitMs !== null && created(t) + t.waitMs <= NOW && created(t) + t.waitMs >= from && created(t) + t.waitMs < from + MINUTE)
      .map((t) => ({ wait: t.waitMs!, target: config.queueIndex.get(t.queue)!.sla.target_seconds * 1000 }));
    const sorted = waits.map((w) => w.wait).sort((a, b) => a - b);
    const p = (q: number) => (sorted.length === 0 ? null : nearestRank(sorted, q)! / 1000);
    return {
      minute: new Date(from).toISOString(),
      arrivals: mine.filter((t) => created(t) >= from && created(t) < from + MINUTE).length,
      completions: 0,
      // Nothing completes here: every task created by the minute's end is in the backlog.
      backlog: mine.filter((t) => created(t) < Math.min(from + MINUTE, NOW + 1)).length,
      wait_p50_seconds: p(0.5),
      wait_p90_seconds: p(0.9),
      sla_attainment: sorted.length === 0 ? null : waits.filter((w) => w.wait <= w.target).length / sorted.length,
    };
  });
}

const setArb = fc.subarray(QUEUES, { minLength: 1 });

describe('history of a set of queues (embedded engine)', () => {
  it('equals the brute-force reference; one queue and all queues as before', () => {
    fc.assert(
      fc.property(fc.array(taskArb, { maxLength: 120 }), setArb, (tasks, set) => {
        const engine = new MetricsEngine(config);
        for (const e of eventsOf(tasks)) engine.apply(e);
        const got = engine.history(set, MINUTES, NOW);
        expect(got.queue).toBe(set.join(','));
        expect(got.points).toEqual(reference(tasks, set));
        expect(engine.history(QUEUES, MINUTES, NOW).points).toEqual(engine.history(undefined, MINUTES, NOW).points);
        expect(engine.history([set[0]], MINUTES, NOW).points).toEqual(engine.history(set[0], MINUTES, NOW).points);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses an empty set or an unknown queue', () => {
    const engine = new MetricsEngine(config);
    expect(() => engine.history([], 10, NOW)).toThrow(RangeError);
    expect(() => engine.history(['registration', 'nope'], 10, NOW)).toThrow(RangeError);
  });
});

const engines = await requireEngines();
describeWithEngines(engines, 'history of a set of queues (ClickHouse)', () => {
  const stores: ClickHouseStore[] = [];
  afterAll(async () => {
    for (const store of stores) {
      await store.connection.command(sql`DROP DATABASE IF EXISTS ${ident(store.database)}`);
      await store.close();
    }
  });

  it('answers as the embedded engine does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(taskArb, { maxLength: 120 }), setArb, async (tasks, set) => {
        const engine = new MetricsEngine(config);
        const store = await openClickHouseStore({ url: engines.clickhouseUrl, database: uniqueName('ops_hist'), config });
        stores.push(store);
        const events = eventsOf(tasks);
        for (const e of events) engine.apply(e);
        await store.apply(events);
        const withoutTime = <T extends { generated_at: string }>(x: T) => ({ ...x, generated_at: undefined });
        expect(withoutTime(await store.history(set, MINUTES, NOW))).toEqual(withoutTime(engine.history(set, MINUTES, NOW)));
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
