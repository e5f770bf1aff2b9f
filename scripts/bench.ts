/**
 * `npm run bench`: the embedded engine's figures for issue targets, printed, never asserted.
 *   1. events applied per second on one core (validated events, a realistic lifecycle mix);
 *   2. snapshot time and resident memory with 1,000,000 open tasks over six queues;
 *   3. the durable default: HTTP ingest into a data directory, start-up replay, disk per million events;
 *   4. history import: a 1,000,000-row CSV export through `POST /api/import`, then again (adds nothing).
 * Usage: npm run bench [-- --open 1000000 --events 2000000 --import-rows 1000000] [-- --only import]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { loadConfig } from '../contracts/config.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import { lifecycleEvents } from './bench-events.js';
import { benchDurable } from './bench-durable.js';
import { benchImport } from './bench-import.js';

const { values } = parseArgs({
  options: {
    open: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '2000000' },
    'import-rows': { type: 'string', default: '1000000' },
    /** One step alone: `import` (the CI runs it after the tests). */
    only: { type: 'string' },
  },
});
const OPEN_TASKS = Number(values.open);
const EVENTS = Number(values.events);
const config = loadConfig(DEFAULT_CONFIG_PATH);
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const queues = config.queues.map((q) => q.id);
const teamsOf = new Map(queues.map((q) => [q, config.teams.filter((t) => t.queues.includes(q)).map((t) => t.id)]));
const gc = (globalThis as { gc?: () => void }).gc;

function applyThroughput(): void {
  const engine = new MetricsEngine(config);
  engine.advance(NOW);
  const events = [...lifecycleEvents(config, EVENTS, NOW, 8 * 3600_000)];
  // Shuffle a tenth of them so late and out-of-order events are part of the load.
  for (let i = 0; i < events.length; i += 10) {
    const j = Math.floor(((i * 7919) % events.length));
    [events[i], events[j]] = [events[j], events[i]];
  }
  const t0 = performance.now();
  for (const e of events) engine.apply(e);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`apply: ${events.length.toLocaleString('en')} events in ${seconds.toFixed(2)} s = ${Math.round(events.length / seconds).toLocaleString('en')} events/s (target >= 200,000)`);
}

function snapshotWithOpenTasks(): void {
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const engine = new MetricsEngine(config);
  engine.advance(NOW - 600_000);
  // One million open tasks: created over the last 8 hours; a third of them started.
  for (let i = 0; i < OPEN_TASKS; i++) {
    const queue = queues[i % 6];
    const task_id = `open-${i.toString(36)}`;
    const created = NOW - 600_000 - Math.floor((i / OPEN_TASKS) * 8 * 3600_000);
    engine.apply({ event_id: `oc-${i}`, type: 'task.created', occurred_at: new Date(created).toISOString(), queue, task_id });
    if (i % 3 === 0) {
      const teams = teamsOf.get(queue)!;
      engine.apply({ event_id: `os-${i}`, type: 'task.started', occurred_at: new Date(created + 120_000).toISOString(), queue, task_id, team: teams[i % teams.length] });
    }
  }
  gc?.();
  const rss = process.memoryUsage().rss;
  const t = performance.now();
  let snapshot = engine.snapshot(NOW);
  const first = performance.now() - t;
  // Warm-up (JIT) apart; then one snapshot per simulated second, the window sliding each time.
  for (let i = 1; i <= 50; i++) engine.snapshot(NOW + i * 1000);
  const times: number[] = [];
  for (let i = 51; i < 1051; i++) {
    const t0 = performance.now();
    snapshot = engine.snapshot(NOW + i * 1000);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)].toFixed(3);
  console.log(`snapshot with ${snapshot.totals.backlog.toLocaleString('en')} open tasks over ${snapshot.queues.length} queues: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms over ${times.length} snapshots after 50 warm-up ones; the very first took ${first.toFixed(1)} ms (target <= 5 ms)`);
  console.log(`resident memory with them: ${(rss / 2 ** 20).toFixed(0)} MB (process total; ${((rss - rssBefore) / 2 ** 20).toFixed(0)} MB for the engine) (target <= 600 MB)`);
}

console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${gc ? '' : ' (run with --expose-gc for steadier memory figures)'}`);
if (values.only !== undefined && values.only !== 'import') throw new Error('--only takes one step: import');
if (values.only === undefined) {
  applyThroughput();
  gc?.();
  snapshotWithOpenTasks();
  gc?.();
  await benchDurable(config, NOW);
}
await benchImport(config, NOW, Number(values['import-rows']));
