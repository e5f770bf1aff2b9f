/**
 * The wall's performance in a real browser (Debian's Chromium, headless) on the production build:
 * bundle size, snapshot apply time, heap growth, measured and printed (never asserted as timings);
 * and paging when the queues do not fit one screen.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TOKENS } from './support/browser';
import { poll, useBrowserSession } from './support/browser-session';

const session = useBrowserSession();

describe('performance, measured and printed (not asserted as timings)', () => {
  /**
   * Ticks go through the test hook (`/wall?test`): each applies a 12-queue snapshot, every value
   * moving and one second later than the last, synchronously (store update, render, commit), so
   * 10,000 of them take seconds rather than the 3 hours of real ticks, and each can be timed.
   * The real socket is cut so that only these snapshots reach the screen.
   */
  it('wall bundle, 12-queue snapshot apply time, heap after 1,000 and 10,000 ticks', { timeout: 180_000 }, async () => {
    const page = await session.newPage();
    const bundle = new Map<string, number>();
    page.on('response', (response) => {
      const type = response.request().resourceType();
      if (['document', 'script', 'stylesheet'].includes(type)) {
        void response.body().then((body) => bundle.set(response.url(), gzipSync(body).length)).catch(() => {});
      }
    });
    await page.route('**/socket.io/**', (route) => route.abort());
    await page.goto(`${session.server.url}/wall?test#token=${TOKENS.wall}`, { waitUntil: 'networkidle' });
    const gzipKb = [...bundle.values()].reduce((a, b) => a + b, 0) / 1024;

    const cdp = await page.context().newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const run = (from: number, to: number, layout: boolean) =>
      page.evaluate(
        async ({ from, to, layout }) => {
          const timings: { render: number; layout: number | null }[] = [];
          const base = Date.parse('2026-11-26T08:00:00Z');
          for (let i = from; i < to; i++) {
            const queues = Array.from({ length: 12 }, (_, q) => {
              const v = (i * 7 + q * 13) % 97;
              const values = {
                backlog: v + 10, waiting: v, in_progress: 10, oldest_wait_seconds: 60 * v + q, breached: v % 5, at_risk: v % 3,
                arrivals: 40 + v, started: 30 + (v % 20), completions: 35, wait_p50_seconds: 30 + v, wait_p90_seconds: 300 + 11 * v,
                sla_attainment: Math.min(1, (v % 50) / 50 + 0.5), staffed_agents: 5 + (v % 9),
              };
              const team = (id: string, kind: 'inhouse' | 'partner', share: number) => ({
                ...values, team: id, name: id, kind, started: Math.round(values.started * share), waiting: 0, backlog: 5,
              });
              return {
                queue: `queue-${q}`, name: `Queue number ${q + 1} with a long name`, ...values, sla_target_seconds: 1800, sla_goal: 0.9,
                teams: [team(`inhouse-${q}`, 'inhouse', 0.6), team(`partner-${q}`, 'partner', 0.4)],
              };
            });
            const totals = { backlog: 0, waiting: 0, in_progress: 0, breached: 0, at_risk: 0, arrivals: 0, started: 0, completions: 0, staffed_agents: 0 };
            const snapshot = { generated_at: new Date(base + i * 1000).toISOString(), window_minutes: 60, queues, totals };
            timings.push(window.__occ!.applySnapshot(snapshot, { layout }));
            // Let timers, effects, paint and the collector run as they would between real ticks.
            if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 0));
          }
          return timings;
        },
        { from, to, layout },
      );
    const started = Date.now();
    await run(0, 1000, false);
    const heapAt1k = await heap();
    await run(1000, 10_000, false);
    const heapAt10k = await heap();
    const tickMs = (Date.now() - started) / 10_000;

    // Timings, style and layout included: the default paging (6 tiles on screen), then all 12.
    const pageOf6 = await run(10_000, 10_200, true);
    expect(await page.locator('.tile').count()).toBe(6);
    await page.evaluate(() => {
      history.replaceState(null, '', '/wall?test&per_page=12');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    const pageOf12 = await run(10_200, 10_400, true);
    expect(await page.locator('.tile').count()).toBe(12);

    const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))];
    const describeTimings = (timings: { render: number; layout: number | null }[]) => {
      const render = timings.slice(20).map((t) => t.render);
      const layout = timings.slice(20).map((t) => t.layout!);
      return `render + commit median ${pct(render, 0.5).toFixed(1)} ms (p95 ${pct(render, 0.95).toFixed(1)}); with style and layout median ${pct(layout, 0.5).toFixed(1)} ms (p95 ${pct(layout, 0.95).toFixed(1)})`;
    };
    const growth = (heapAt10k - heapAt1k) / heapAt1k;
    console.log(
      [
        'browser performance (targets from issue 4):',
        `  wall bundle, gzip: ${gzipKb.toFixed(1)} kB over ${bundle.size} files (target <= 350 kB)`,
        `  apply a 12-queue snapshot, 6 tiles on screen (default paging): ${describeTimings(pageOf6)} (target <= 16 ms)`,
        `  apply a 12-queue snapshot, all 12 tiles on screen: ${describeTimings(pageOf12)}`,
        `  JS heap after GC: ${(heapAt1k / 1048576).toFixed(2)} MB after 1,000 ticks, ${(heapAt10k / 1048576).toFixed(2)} MB after 10,000: ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (target within 10%)`,
        `  (10,000 ticks at ${tickMs.toFixed(1)} ms each)`,
      ].join('\n'),
    );
  });

  it('pages through twelve queues when they do not fit, six at a time', async () => {
    const page = await session.newPage();
    await page.route('**/socket.io/**', (route) => route.abort());
    await page.goto(`${session.server.url}/wall?test&rotate=5#token=${TOKENS.wall}`);
    await page.waitForFunction(() => window.__occ !== undefined);
    await page.evaluate(() => {
      const values = { backlog: 3, waiting: 1, in_progress: 2, oldest_wait_seconds: 30, breached: 0, at_risk: 0, arrivals: 5, started: 4, completions: 4, wait_p50_seconds: 20, wait_p90_seconds: 40, sla_attainment: 1, staffed_agents: 3 };
      const queues = Array.from({ length: 12 }, (_, q) => ({ queue: `q${q}`, name: `Queue ${q}`, ...values, sla_target_seconds: 600, sla_goal: 0.9, teams: [] }));
      window.__occ!.applySnapshot({ generated_at: new Date().toISOString(), window_minutes: 60, queues, totals: { ...values, backlog: 36 } as never });
    });
    const visible = () => page.locator('.tile').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-queue')).join(','));
    expect(await visible()).toBe('q0,q1,q2,q3,q4,q5');
    expect(await page.locator('.page-indicator').getAttribute('aria-label')).toBe('Page 1 of 2');
    await poll(visible, 8000).toBe('q6,q7,q8,q9,q10,q11');
    await page.close();
  });
});
