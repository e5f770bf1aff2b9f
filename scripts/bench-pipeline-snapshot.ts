/**
 * The snapshot part of `npm run bench:pipeline`: history of closed tasks written straight into the
 * tables in the shape the worker writes them (raw events, task states, window facts, minute counts,
 * spread over the 30 days before the window), background merges left to settle, then 8 hours of
 * ordinary traffic through the store as in production; then the snapshot (one query) is timed.
 */
import { performance } from 'node:perf_hooks';
import type { OpsConfig } from '../contracts/config.js';
import { FACT } from '../streams/clickhouse/batch-rows.js';
import { openClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { ident, sql } from '../streams/clickhouse/sql.js';
import { lifecycleEvents } from './bench-events.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number) => Math.round(n).toLocaleString('en');
export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/** Snapshot times (ms, sorted) with `historyEvents` of history stored. */
export async function snapshotCost(url: string, config: OpsConfig, run: string, historyEvents: number): Promise<number[]> {
  const store = await openClickHouseStore({ url, database: `bench_snap_${run}_${historyEvents}`, config });
  const db = ident(store.database);
  const c = store.connection;
  const tasks = Math.floor(historyEvents / 3);
  const now = Date.now();
  const queues = config.queues.map((q) => q.id);
  const span = 30 * 24 * 3600_000;
  const base = now - 2 * 3600_000 - span;
  const t0 = performance.now();
  // In slices of a million tasks: each INSERT ... SELECT stays well inside the client's timeout.
  const SLICE = 1_000_000;
  for (let from = 0; from < tasks; from += SLICE) {
    const slice = sql`numbers(${from}, ${Math.min(SLICE, tasks - from)})`;
    const createdAt = sql`${base} + intDiv(number * ${span}, ${tasks})`;
    // Per task: created, started (a team of the queue), completed: 3 raw events and a closed state.
    await c.command(sql`INSERT INTO ${db}.events (event_id, type, task_id, queue, team, occurred_at)
      SELECT concat('h', toString(number), '-', toString(k)) AS event_id, ['task.created','task.started','task.completed'][k + 1] AS type,
        concat('h', toString(number)) AS task_id, ${queues}[number % 6 + 1] AS queue, '' AS team, ${createdAt} + k * 600000 AS occurred_at
      FROM ${slice} ARRAY JOIN [0, 1, 2] AS k`);
    await c.command(sql`INSERT INTO ${db}.task_states (part, task_id, queue, created_at, created_by, start_at, start_team, started_by, completed_at, event_ids, version)
      SELECT number % 6, concat('h', toString(number)), ${queues}[number % 6 + 1], ${createdAt}, concat('h', toString(number), '-0'),
        ${createdAt} + 600000, 'inhouse', concat('h', toString(number), '-1'), ${createdAt} + 1200000,
        [concat('h', toString(number), '-0'), concat('h', toString(number), '-1'), concat('h', toString(number), '-2')], 1
      FROM ${slice}`);
    await c.command(sql`INSERT INTO ${db}.aggregates (fact, queue, team, at, wait_ms, n)
      SELECT f AS fact, queue, t AS team, ${createdAt} + (f - 1) * 600000 AS at, if(f = ${FACT.start}, 600000, 0) AS wait_ms, 1 AS n
      FROM (SELECT number, ${queues}[number % 6 + 1] AS queue, arrayJoin([1, 2, 3]) AS f, arrayJoin(['', 'inhouse']) AS t FROM ${slice})`);
    await c.command(sql`INSERT INTO ${db}.aggregates (fact, queue, at, arrivals, completions, leaves)
      SELECT ${FACT.minute}, ${queues}[number % 6 + 1] AS queue, intDiv(${createdAt}, 60000) AS minute, 1, 1, 1 FROM ${slice}`);
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  // Background merges of the bulk load compete for the two cores: measure once they have settled.
  for (let i = 0; i < 1200; i++) {
    const rows = await c.query<{ n: number }>(sql`SELECT count() AS n FROM system.merges`);
    if (Number(rows[0].n) === 0) break;
    await sleep(500);
  }
  // The live part: 8 hours of ordinary traffic through the store.
  const live = [...lifecycleEvents(config, 60_000, now, 8 * 3600_000, 3, `l${run}`)];
  for (let i = 0; i < live.length; i += 10_000) await store.apply(live.slice(i, i + 10_000));
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    await store.snapshot(Date.now());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const rows = await c.query<{ n: number }>(sql`SELECT count() AS n FROM ${db}.events`);
  console.log(
    `snapshot (one query) with ${fmt(Number(rows[0].n))} events stored (history written in ${loadSeconds.toFixed(1)} s): ` +
      `p50 ${quantile(times, 0.5).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms over ${times.length} snapshots`,
  );
  await c.command(sql`DROP DATABASE ${db}`);
  await store.close();
  return times;
}
