/**
 * Sites in a real browser (Debian's Chromium, headless) against the production build served by
 * the real server process with the two-hospital example config (SIMULATOR=off, a few known
 * events): `/wall?site=` shows that site's queues only, its totals, and its name in the header;
 * `/wall` shows every site; the lead view takes `?site=` the same way, and a lead limited to a
 * site sees only that site's queues.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, queuesOfSites } from '../contracts/config';
import { launchChromium } from './support/browser';
import { HD, SHOTS, poll, text } from './support/browser-session';
import { ROOT, startServerProcess, tempDataDir, type ServerProcess } from './support/process';

const TOKENS = { wall: 'sites-wall-token-0123456789', lead: 'sites-lead-token-0123456789', lakeside: 'sites-lakeside-token-0123456789', ingest: 'sites-ingest-token-0123456789' };
const sha = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const CONFIG = {
  ...JSON.parse(readFileSync(join(ROOT, 'seed/two-sites-config.json'), 'utf8')),
  access: [
    { name: 'wall', role: 'viewer', token_sha256: sha(TOKENS.wall) },
    { name: 'lead-all', role: 'lead', token_sha256: sha(TOKENS.lead) },
    { name: 'lead-lakeside', role: 'lead', sites: ['lakeside'], token_sha256: sha(TOKENS.lakeside) },
    { name: 'ingest', role: 'ingest', token_sha256: sha(TOKENS.ingest) },
  ],
};
const config = parseConfig(CONFIG);
const ALL = config.queues.map((q) => q.id);
const ST_ANNES = queuesOfSites(config, ['st-annes']);
const LAKESIDE = queuesOfSites(config, ['lakeside']);
/** Waiting tasks per queue: 2 at St. Anne's registration, 3 at Lakeside's, 4 in central billing. */
const WAITING: Record<string, number> = { 'registration-st-annes': 2, 'registration-lakeside': 3, billing: 4 };

describe('a wall and a lead view per site', () => {
  let server: ServerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: HD });
    contexts.push(context);
    return context.newPage();
  };
  const tiles = (page: Page, selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => el.getAttribute('data-queue')));

  beforeAll(async () => {
    const dir = tempDataDir('occ-sites-');
    writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
    const env = { SIMULATOR: 'off', OPS_CONFIG: join(dir, 'config.json'), TICK_MS: '1000', LOG_LEVEL: 'warn', DATA_DIR: tempDataDir() };
    [server, browser] = await Promise.all([startServerProcess(env), launchChromium()]);
    const now = Date.now();
    const events = Object.entries(WAITING).flatMap(([queue, n]) =>
      Array.from({ length: n }, (_, i) => ({ event_id: `${queue}-${i}`, type: 'task.created', occurred_at: new Date(now - (i + 1) * 60_000).toISOString(), queue, task_id: `${queue}-${i}` })),
    );
    const res = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKENS.ingest}` }, body: JSON.stringify(events) });
    expect(res.status).toBe(202);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  it("shows one site's queues, totals and name on /wall?site=", async () => {
    const wall = await newPage();
    await wall.goto(`${server.url}/wall?site=st-annes#token=${TOKENS.wall}`);
    await wall.locator('.tile[data-queue="registration-st-annes"]').waitFor();
    expect(await tiles(wall, '.tile[data-queue]')).toEqual(ST_ANNES);
    expect(await text(wall, '.wall-header .site-name')).toBe("St. Anne's Hospital");
    await poll(() => text(wall, '.totals')).toBe('Backlog2Waiting2Breached0');
    await poll(() => text(wall, '[data-queue="registration-st-annes"] [data-metric="backlog"]')).toBe('2');
    await wall.screenshot({ path: join(SHOTS, 'wall-site.png') });

    await wall.goto(`${server.url}/wall?site=lakeside`);
    await wall.locator('.tile[data-queue="registration-lakeside"]').waitFor();
    expect(await tiles(wall, '.tile[data-queue]')).toEqual(LAKESIDE);
    expect(await text(wall, '.wall-header .site-name')).toBe('Lakeside Community Hospital');
    await poll(() => text(wall, '.totals')).toBe('Backlog3Waiting3Breached0');
  });

  it('says so when the address names no configured site', async () => {
    const wall = await newPage();
    await wall.goto(`${server.url}/wall?site=radiology-east#token=${TOKENS.wall}`);
    await poll(() => text(wall, '.queue-grid [role="alert"]')).toBe(`The server refuses this wall's view (site: unknown site "radiology-east"): check the address.`);
  });

  it('shows every site, central queues included, on /wall without a site', async () => {
    const wall = await newPage();
    await wall.goto(`${server.url}/wall?per_page=12#token=${TOKENS.wall}`);
    await wall.locator('.tile[data-queue="billing"]').waitFor();
    expect(await tiles(wall, '.tile[data-queue]')).toEqual(ALL);
    expect(await wall.locator('.site-name').count()).toBe(0);
    await poll(() => text(wall, '.totals')).toBe('Backlog9Waiting9Breached0');
  });

  it('narrows the lead view with ?site= and keeps the site in its links', async () => {
    const lead = await newPage();
    await lead.goto(`${server.url}/lead?site=lakeside#token=${TOKENS.lead}`);
    await lead.locator('.lead-tiles .tile[data-queue="registration-lakeside"]').waitFor();
    await poll(() => tiles(lead, '.lead-tiles .tile[data-queue]')).toEqual(LAKESIDE);
    expect(await text(lead, '.lead-title .site-name')).toBe('Lakeside Community Hospital');
    await poll(() => lead.locator('[data-filter^="queue:"]').count()).toBe(LAKESIDE.length);
    await lead.locator('.lead-tiles [data-queue="scheduling-lakeside"]').click();
    await lead.waitForURL(/\/lead\/queues\/scheduling-lakeside/);
    expect(new URL(lead.url()).searchParams.get('site')).toBe('lakeside');
  });

  it('keeps a lead limited to a site to its queues, and refuses another site', async () => {
    const lead = await newPage();
    await lead.goto(`${server.url}/lead#token=${TOKENS.lakeside}`);
    await lead.locator('.lead-tiles .tile[data-queue="registration-lakeside"]').waitFor();
    await poll(() => tiles(lead, '.lead-tiles .tile[data-queue]')).toEqual(LAKESIDE);
    expect(await text(lead, '.lead-title .site-name')).toBe('Lakeside Community Hospital');
    const refused = await fetch(`${server.url}/api/metrics?site=st-annes`, { headers: { Authorization: `Bearer ${TOKENS.lakeside}` } });
    expect(refused.status).toBe(403);
  });
});
