import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { ROOT, startServerProcess, type ServerProcess } from './support/process.js';

const getSnapshot = async (url: string) => (await (await fetch(`${url}/api/metrics`)).json()) as MetricsSnapshot;

describe('the product on the embedded default, as `npm start` runs it', () => {
  let server: ServerProcess;
  let startedAt: number;
  beforeAll(async () => {
    startedAt = Date.now();
    server = await startServerProcess({ SIMULATOR: 'on' });
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

  it('shows live, moving numbers from the simulator within 10 s of start', async () => {
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
    expect(first!.queues.map((q) => q.queue)).toEqual(['registration', 'scheduling', 'insurance', 'documentation', 'billing', 'communication']);
    expect(first!.totals.staffed_agents).toBeGreaterThan(0);
    // The backfilled history fills the trend chart.
    const history = await (await fetch(`${server.url}/api/metrics/history?minutes=480`)).json();
    expect(history.points.filter((p: { arrivals: number }) => p.arrivals > 0).length).toBeGreaterThan(400);
    // Generated_at moves with the clock, and so do the ages.
    await new Promise((r) => setTimeout(r, 1500));
    const second = await getSnapshot(server.url);
    expect(Date.parse(second.generated_at)).toBeGreaterThan(Date.parse(first!.generated_at));
  });

  it('warns that it runs open, on 127.0.0.1 only', () => {
    expect(server.output()).toMatch(/NO ACCESS CONTROL/);
  });

  it('shuts down in order on SIGTERM and exits 0', async () => {
    expect(await server.stop()).toBe(0);
  });
});
