/**
 * The wall and the lead view in a real browser (Debian's Chromium, headless) against the
 * production build served by the real server process with SIMULATOR=off, fed a known event set.
 * One browser and one server for the file; the server is stopped and restarted last.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWait } from '../client/src/format';
import { KNOWN_WALL, TOKENS, knownEvents, launchChromium, postEvents, writeBrowserConfig } from './support/browser';
import { ROOT, startServerProcess, type ServerProcess } from './support/process';

const SHOTS = join(ROOT, 'test-results/browser');
const HD = { width: 1920, height: 1080 };

let server: ServerProcess;
let browser: Browser;
let env: Record<string, string>;
let port: number;
let eventsAt: number;
const contexts: BrowserContext[] = [];

async function newPage(viewport = HD): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  return context.newPage();
}

/** Polls until the page shows what is expected: the screens update once a second. */
const poll = <T>(read: () => Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 100 });

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  env = { SIMULATOR: 'off', OPS_CONFIG: writeBrowserConfig(), TICK_MS: '1000', LOG_LEVEL: 'warn' };
  [server, browser] = await Promise.all([startServerProcess(env), launchChromium()]);
  port = Number(new URL(server.url).port);
  eventsAt = Date.now();
  const events = knownEvents(eventsAt);
  const answer = await postEvents(server.url, events);
  expect(answer).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  await browser?.close();
  await server?.stop();
});

describe('the wall', () => {
  let wall: Page;

  it('takes its token from the fragment, keeps it and clears it from the address bar', async () => {
    wall = await newPage();
    await wall.goto(`${server.url}/wall#token=${TOKENS.wall}`);
    await wall.locator('[data-queue="intake"]').waitFor();
    expect(new URL(wall.url()).hash).toBe('');
    expect(await wall.evaluate(() => localStorage.getItem('occ.token'))).toBe(TOKENS.wall);
  });

  it('shows the right numbers per queue, in-house against partner, and the totals', async () => {
    for (const [queue, expected] of Object.entries(KNOWN_WALL)) {
      const tile = `[data-queue="${queue}"]`;
      await poll(() => text(wall, `${tile} [data-metric="backlog"]`)).toBe(expected.backlog);
      expect(await wall.locator(tile).getAttribute('aria-label'), queue).toMatch(new RegExp(`: ${expected.status}$`));
      for (const metric of ['waiting', 'breached', 'at-risk', 'p50', 'p90', 'sla', 'agents'] as const) {
        expect(await text(wall, `${tile} [data-metric="${metric}"]`), `${queue} ${metric}`).toBe(expected[metric]);
      }
      const before = (Date.now() - eventsAt) / 1000;
      const oldest = await text(wall, `${tile} [data-metric="oldest"]`);
      const after = (Date.now() - eventsAt) / 1000;
      const allowed = new Set<string>();
      for (let s = Math.floor(expected.oldestWaitSeconds + before) - 1; s <= expected.oldestWaitSeconds + after + 1; s++) allowed.add(formatWait(s));
      expect(allowed, `${queue} oldest wait "${oldest}"`).toContain(oldest);
      expect(await wall.locator(`${tile} svg.sparkline`).count(), `${queue} sparkline`).toBe(1);
      const split = wall.locator(`${tile} [data-testid="kind-split"]`);
      if (expected.split === null) {
        expect(await split.textContent()).toBe('In-house teams only');
        continue;
      }
      for (const kind of ['inhouse', 'partner'] as const) {
        for (const metric of ['share', 'sla', 'p90'] as const) {
          expect(await text(wall, `${tile} [data-kind="${kind}"] [data-metric="${metric}"]`), `${queue} ${kind} ${metric}`).toBe(expected.split[kind][metric]);
        }
      }
    }
    expect(await wall.locator('.totals').textContent()).toBe('Backlog9Waiting5Breached1');
    expect(await wall.locator('.link-label').textContent()).toBe('Live');
    await wall.screenshot({ path: join(SHOTS, 'wall.png') });
  });

  it('fits every figure in its tile on a 1080p and a 4K screen', async () => {
    for (const viewport of [HD, { width: 3840, height: 2160 }]) {
      await wall.setViewportSize(viewport);
      const clipped = await wall.evaluate(() => {
        const out: string[] = [];
        // NOTE: across only for text, whose glyphs may overhang a tight line height by design.
        for (const el of document.querySelectorAll<HTMLElement>('.tile dd, .tile-name, .tile-status, .kind-split > *')) {
          if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className}: ${el.textContent}`);
        }
        for (const el of document.querySelectorAll<HTMLElement>('.tile')) {
          if (el.scrollHeight > el.clientHeight + 1) out.push(`tile ${el.dataset.queue} is cut at the bottom`);
        }
        return out;
      });
      expect(clipped, `${viewport.width}x${viewport.height}`).toEqual([]);
    }
    await wall.setViewportSize(HD);
  });

  it('shows no alert banner while no alert fires, and tiles give agents staffed against needed', async () => {
    expect(await wall.locator('[data-testid="alert-banner"]').count()).toBe(0);
    expect(await text(wall, '[data-queue="intake"] .metric[title] dt')).toBe('Agents/need');
  });

  it('hides the cursor and shows no controls', async () => {
    expect(await wall.evaluate(() => getComputedStyle(document.querySelector('.wall')!).cursor)).toBe('none');
    expect(await wall.locator('.wall button, .wall input, .wall select, .wall a').count()).toBe(0);
  });
});

describe('the lead view', () => {
  let lead: Page;

  it('asks for a token, refuses a viewer token, and signs a lead in', async () => {
    lead = await newPage();
    await lead.goto(`${server.url}/lead`);
    await lead.getByLabel('Access token').fill(TOKENS.wall);
    await lead.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => text(lead, '.login-error')).toMatch(/lead token is needed/);
    await lead.getByLabel('Access token').fill(TOKENS.lead);
    await lead.getByRole('button', { name: 'Sign in' }).click();
    await lead.locator('.lead-tiles [data-queue="coding"]').waitFor();
    expect(await lead.locator('.lead-tiles .tile').count()).toBe(3);
  });

  it('narrows the tiles and rows with filters kept in the URL', async () => {
    await lead.locator('[data-filter="team:partner-x"]').click();
    await poll(() => lead.locator('.lead-tiles .tile').count()).toBe(2);
    expect(new URL(lead.url()).search).toBe('?teams=partner-x');
    const rows = await lead.locator('[data-testid="team-table"] tbody tr[data-team]').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-queue')}/${tr.getAttribute('data-team')}`));
    expect(rows).toEqual(['intake/partner-x', 'billing/partner-x']);
    await lead.locator('[data-filter="queue:billing"]').click();
    await poll(() => lead.locator('.lead-tiles .tile').count()).toBe(1);
    expect(new URL(lead.url()).search).toBe('?queues=billing&teams=partner-x');
    // A shared link opens the same view.
    const shared = await newPage();
    await shared.goto(`${server.url}/lead?queues=intake,coding#token=${TOKENS.lead}`);
    await poll(() => shared.locator('.lead-tiles .tile').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-queue')))).toEqual(['intake', 'coding']);
    await shared.close();
  });

  it('opens a queue page with its history over 1 h to 7 days and its teams', async () => {
    await lead.goto(`${server.url}/lead`);
    await lead.locator('.lead-tiles [data-queue="billing"]').click();
    await lead.locator('[data-testid="history-charts"] .recharts-surface').first().waitFor();
    expect(new URL(lead.url()).pathname).toBe('/lead/queues/billing');
    expect(await lead.locator('[data-testid="history-charts"] figure').count()).toBe(4);
    const rows = await lead.locator('[data-testid="team-table"] tbody tr[data-team]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-team')));
    expect(rows).toEqual(['inhouse-b', 'partner-x']);
    const week = lead.waitForResponse((r) => r.url().includes('/api/metrics/history?') && r.url().includes('minutes=10080'));
    await lead.getByRole('link', { name: '7 days' }).click();
    expect((await week).status()).toBe(200);
    expect(new URL(lead.url()).search).toBe('?range=7d');
    await lead.locator('[data-testid="history-charts"] .recharts-line-curve').first().waitFor();
    await lead.goto(`${server.url}/lead`);
    await lead.locator('.lead-tiles .tile').first().waitFor();
    await lead.screenshot({ path: join(SHOTS, 'lead.png') });
  });

  it('shows a lead limited to teams only those teams', async () => {
    const limited = await newPage();
    await limited.goto(`${server.url}/lead#token=${TOKENS.leadB}`);
    await poll(() => limited.locator('.lead-tiles .tile').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-queue')))).toEqual(['billing', 'coding']);
    const rows = await limited.locator('[data-testid="team-table"] tbody tr[data-team]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-team')));
    expect(rows).toEqual(['inhouse-b', 'inhouse-b']);
    expect(await limited.locator('[data-filter^="team:"]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-filter')))).toEqual(['team:inhouse-b']);
    await limited.close();
  });

  it('lists the alerts the server holds for the lead, or says there are none', async () => {
    await lead.goto(`${server.url}/lead`);
    await lead.locator('[data-testid="alerts-panel"]').waitFor({ timeout: 15_000 });
    // NOTE: the known events may raise a (pending) demand-peak alert minutes into this run: the
    // panel must show what GET /api/alerts holds, whatever that is by now.
    const shown = async () => {
      const response = await fetch(`${server.url}/api/alerts`, { headers: { Authorization: `Bearer ${TOKENS.lead}` } });
      const { alerts } = (await response.json()) as { alerts: { id: string }[] };
      const ids = await lead.locator('[data-testid="alerts-panel"] [data-alert]').evaluateAll((els) => els.map((e) => e.getAttribute('data-alert')));
      const empty = await lead.locator('[data-testid="alerts-panel"] .placeholder').count();
      return { same: JSON.stringify(ids) === JSON.stringify(alerts.map((a) => a.id)), emptyNote: empty === 1 && alerts.length === 0 ? 'shown' : alerts.length === 0 ? 'missing' : 'n/a' };
    };
    await poll(shown).toEqual(expect.objectContaining({ same: true }));
    expect((await shown()).emptyNote).not.toBe('missing');
  });

  it('acknowledges an open alert with a comment, and shows who and why', async () => {
    // NOTE: the known events raise a demand-peak alert on their own (pending first, firing after
    // the 2 min hold); a pending one may be acknowledged too, so this waits for whichever comes.
    const form = lead.locator('[data-testid="alerts-panel"] .ack-form').first();
    await form.waitFor({ timeout: 100_000 });
    const item = lead.locator('[data-testid="alerts-panel"] .alert-item').filter({ has: lead.locator('.ack-form') }).first();
    const id = await item.getAttribute('data-alert');
    await form.getByLabel('Comment (optional)').fill('Calling in the evening shift');
    const posted = lead.waitForResponse((r) => r.url().endsWith(`/api/alerts/${encodeURIComponent(id!)}/ack`));
    await form.getByRole('button', { name: 'Acknowledge' }).click();
    expect((await posted).status()).toBe(200);
    const ack = lead.locator(`[data-alert="${id}"] [data-field="acknowledged"]`);
    await ack.waitFor({ timeout: 10_000 });
    expect((await ack.textContent())?.replace(/\s+/g, ' ')).toMatch(/^Acknowledged by lead-all at \d\d:\d\d: “Calling in the evening shift”$/);
    expect(await lead.locator(`[data-alert="${id}"] .ack-form`).count()).toBe(0);
  }, 150_000);
});

describe('performance, measured and printed (not asserted as timings)', () => {
  /**
   * Ticks go through the test hook (`/wall?test`): each applies a 12-queue snapshot, every value
   * moving and one second later than the last, synchronously (store update, render, commit), so
   * 10,000 of them take seconds rather than the 3 hours of real ticks, and each can be timed.
   * The real socket is cut so that only these snapshots reach the screen.
   */
  it('wall bundle, 12-queue snapshot apply time, heap after 1,000 and 10,000 ticks', { timeout: 180_000 }, async () => {
    const page = await newPage();
    const bundle = new Map<string, number>();
    page.on('response', (response) => {
      const type = response.request().resourceType();
      if (['document', 'script', 'stylesheet'].includes(type)) {
        void response.body().then((body) => bundle.set(response.url(), gzipSync(body).length)).catch(() => {});
      }
    });
    await page.route('**/socket.io/**', (route) => route.abort());
    await page.goto(`${server.url}/wall?test#token=${TOKENS.wall}`, { waitUntil: 'networkidle' });
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
    const page = await newPage();
    await page.route('**/socket.io/**', (route) => route.abort());
    await page.goto(`${server.url}/wall?test&rotate=5#token=${TOKENS.wall}`);
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

describe('stale data and recovery', () => {
  it('shows the stale banner within 6 s of the server stopping, and clears it when it is back', async () => {
    const wall = await newPage();
    await wall.goto(`${server.url}/wall#token=${TOKENS.wall}`);
    await poll(() => text(wall, '[data-queue="intake"] [data-metric="backlog"]')).toBe('4');
    expect(await text(wall, '.link-label')).toBe('Live');
    expect(await wall.locator('[data-testid="stale-banner"]').count()).toBe(0);

    // From the moment the server is told to stop; its last snapshot came within the second before.
    const stoppedAt = Date.now();
    await server.stop();
    await wall.locator('[data-testid="stale-banner"]').waitFor({ timeout: 10_000 });
    const staleAfterMs = Date.now() - stoppedAt;
    expect(staleAfterMs).toBeLessThanOrEqual(6000);
    expect(await text(wall, '[data-testid="stale-banner"] strong')).toMatch(/^Data is \d+s old, last update at \d\d:\d\d:\d\d$/);
    await wall.screenshot({ path: join(SHOTS, 'wall-stale.png') });

    server = await startServerProcess(env, port);
    const restartedAt = Date.now();
    await wall.locator('[data-testid="stale-banner"]').waitFor({ state: 'detached', timeout: 20_000 });
    console.log(`stale banner ${staleAfterMs} ms after the server stopped; gone ${Date.now() - restartedAt} ms after it answered again`);
    expect(await text(wall, '.link-label')).toBe('Live');
  });
});
