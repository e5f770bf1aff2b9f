/**
 * `SIMULATOR_FORMAT=fhir`: the simulator is a FHIR source. Its task events travel as Task
 * versions in subscription notifications through the FHIR ingest, so what is stored carries
 * `fhir:<task id>:<kind>` ids; the metrics move, and equal those of the same simulated hour
 * (same seed, same clock) sent as events.
 */
import pino from 'pino';
import { afterEach, expect, it, vi } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH, readServerEnv } from '../contracts/env.js';
import type { OpsEvent } from '../contracts/events.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { createProduct, type Product } from '../server/product.js';
import { refConfig } from './support/random-events.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const NOW = Date.parse('2026-11-26T11:00:00.000Z');
const quiet = pino({ level: 'silent' });
const products: Product[] = [];
afterEach(async () => {
  await Promise.all(products.splice(0).map((p) => p.stop()));
});

/** Runs the product's simulator over the last hour in `format`; resolves with what was stored and the metrics. */
async function simulatedHour(format: 'events' | 'fhir'): Promise<{ stored: OpsEvent[]; snapshot: MetricsSnapshot }> {
  const product = await createProduct({ config, logger: quiet, clock: () => NOW, tickMs: 60_000, simulator: { backfillHours: 1, seed: 7, format } });
  products.push(product);
  const stored: OpsEvent[] = [];
  const append = product.log.append.bind(product.log);
  vi.spyOn(product.log, 'append').mockImplementation(async (topic, messages) => {
    stored.push(...messages.map((m) => JSON.parse(m.value) as OpsEvent));
    return append(topic, messages);
  });
  const url = await product.listen(0, '127.0.0.1');
  product.start();
  await vi.waitFor(() => expect(product.simulator!.clockMs).toBe(NOW), { timeout: 30_000, interval: 50 });
  // NOTE: the backfill's last batch is stored before the clock reads NOW only on the events path; wait for quiet.
  let count = -1;
  await vi.waitFor(
    () => {
      const settled = stored.length === count;
      count = stored.length;
      expect(settled).toBe(true);
    },
    { timeout: 10_000, interval: 200 },
  );
  const snapshot = (await (await fetch(`${url}/api/metrics`)).json()) as MetricsSnapshot;
  return { stored, snapshot };
}

/** The metrics of a snapshot that do not depend on when the alerting last ran. */
const core = (s: MetricsSnapshot) =>
  s.queues.map((q) => ({ queue: q.queue, backlog: q.backlog, waiting: q.waiting, in_progress: q.in_progress, arrivals: q.arrivals, started: q.started, completions: q.completions, breached: q.breached, oldest: q.oldest_wait_seconds, sla: q.sla_attainment, p50: q.wait_p50_seconds, staffed: q.staffed_agents, teams: q.teams }));

it('sends task events as FHIR Task notifications: fhir: ids, moving metrics, the same as the events path', async () => {
  const fhir = await simulatedHour('fhir');
  const tasks = fhir.stored.filter((e) => e.type !== 'staffing.updated');
  expect(tasks.length).toBeGreaterThan(100);
  for (const e of tasks) expect(e.event_id).toBe(`fhir:${(e as { task_id: string }).task_id}:${e.type.slice('task.'.length)}`);
  expect(new Set(tasks.map((e) => e.type))).toEqual(new Set(['task.created', 'task.started', 'task.completed', 'task.cancelled']));
  expect(fhir.stored.some((e) => e.type === 'staffing.updated')).toBe(true);
  expect(fhir.snapshot.totals.arrivals).toBeGreaterThan(0);
  expect(fhir.snapshot.totals.completions).toBeGreaterThan(0);

  const events = await simulatedHour('events');
  expect(events.stored.filter((e) => e.event_id.startsWith('fhir:'))).toEqual([]);
  expect(core(fhir.snapshot)).toEqual(core(events.snapshot));
});

it('reads SIMULATOR_FORMAT, and refuses fhir when the configuration cannot map the simulated work', async () => {
  expect(readServerEnv({ SIMULATOR_FORMAT: 'fhir' }).simulator.format).toBe('fhir');
  expect(readServerEnv({}).simulator.format).toBe('events');
  expect(() => readServerEnv({ SIMULATOR_FORMAT: 'hl7v2' })).toThrow(/SIMULATOR_FORMAT/);
  await expect(createProduct({ config: refConfig, logger: quiet, clock: () => NOW, simulator: { format: 'fhir' } })).rejects.toThrow('SIMULATOR_FORMAT=fhir needs a fhir mapping in the configuration');
});
