import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsHistory, MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { ROOT, startServerProcess, type ServerProcess } from './support/process.js';

const getSnapshot = async (url: string) => (await (await fetch(`${url}/api/metrics`)).json()) as MetricsSnapshot;

/**
 * NOTE: the product's clock is pinned to a weekday afternoon: on the real clock the 8-hour
 * backfill covers a quiet night whenever the test runs between about 00:00 and 09:00 UTC.
 */
const CLOCK_AT = '2026-11-25T14:00:00.000Z'; // a Wednesday
const PINNED = Date.parse(CLOCK_AT);
const HOUR = 3_600_000;

/** The shutdown steps, in order: stop taking work, drain, flush, commit, disconnect. */
const SHUTDOWN_STEPS = ['simulator', 'alerting', 'http', 'worker', 'event log', 'store'];

describe('the product on the embedded default, as `npm start` runs it', () => {
  let server: ServerProcess;
  let startedAt: number;
  /** The product's clock at a moment of the test's: it started at CLOCK_AT and runs at real speed. */
  const productNow = () => PINNED + (Date.now() - startedAt);
  let stdout = '';
  beforeAll(async () => {
    startedAt = Date.now();
    server = await startServerProcess({ SIMULATOR: 'on', CLOCK_AT });
    server.child.stdout!.on('data', (d) => (stdout += d));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves the built wall', async () => {
    expect(existsSync(join(ROOT, 'client/dist/index.html')), 'client/dist is built by `npm test` before vitest runs').toBe(true);
    const res = await fetch(`${server.url}/wall`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<div id="root">/);
  });

  it('shows live, moving numbers from the simulator within 10 s of start, on the clock CLOCK_AT sets', async () => {
    let first: MetricsSnapshot | undefined;
    while (Date.now() - startedAt < 10_000) {
      const s = await getSnapshot(server.url);
      if (s.totals.backlog + s.totals.completions > 0) {
        first = s;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(first, `no data within 10 s:\n${server.output()}`).toBeDefined();
    // The product's time is the pinned one (it started there when the process did), not the machine's.
    const generatedAt = Date.parse(first!.generated_at);
    expect(generatedAt).toBeGreaterThanOrEqual(PINNED);
    expect(generatedAt).toBeLessThanOrEqual(productNow() + 1000);
    expect(first!.queues.map((q) => q.queue)).toEqual(['registration', 'scheduling', 'insurance', 'documentation', 'billing', 'communication']);
    expect(first!.totals.staffed_agents).toBeGreaterThan(0);
    // The backfilled history (06:00-14:00 on a Wednesday) fills the trend chart, up to the pinned instant.
    const history = (await (await fetch(`${server.url}/api/metrics/history?minutes=480`)).json()) as MetricsHistory;
    const busy = history.points.filter((p) => p.arrivals > 0);
    expect(busy.length).toBeGreaterThan(400);
    expect(Date.parse(busy[0].minute)).toBeGreaterThanOrEqual(PINNED - 8 * HOUR - 60_000);
    expect(Date.parse(busy.at(-1)!.minute)).toBeLessThanOrEqual(productNow());
    expect(Date.parse(busy.at(-1)!.minute)).toBeGreaterThanOrEqual(PINNED - 5 * 60_000);
    // Generated_at moves with the clock, and so do the ages.
    await new Promise((r) => setTimeout(r, 1500));
    const second = await getSnapshot(server.url);
    expect(Date.parse(second.generated_at)).toBeGreaterThan(Date.parse(first!.generated_at));
    expect(Date.parse(second.generated_at)).toBeLessThanOrEqual(productNow() + 1000);
  });

  it('warns that it runs open, on 127.0.0.1 only', () => {
    expect(server.output()).toMatch(/NO ACCESS CONTROL/);
  });

  it('shuts down in order on SIGTERM and exits 0', async () => {
    const code = await server.stop();
    const steps = stdout
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string; step?: string }];
        } catch {
          return []; // not a pino line
        }
      })
      .filter((entry) => entry.msg === 'shutdown step')
      .map((entry) => entry.step);
    expect(steps, `shutdown steps logged on stdout:\n${server.output()}`).toEqual(SHUTDOWN_STEPS);
    expect(code).toBe(0);
  });
});
