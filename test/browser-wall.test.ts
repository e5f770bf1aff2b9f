/**
 * The wall in a real browser (Debian's Chromium, headless) against the production build served by
 * the real server process with SIMULATOR=off, fed a known event set: its token, its numbers, how
 * they fit, and what it shows when the server goes away and comes back (the server is stopped and
 * restarted last).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatWait } from '../client/src/format';
import { KNOWN_WALL, TOKENS } from './support/browser';
import { HD, SHOTS, poll, text, useBrowserSession } from './support/browser-session';

const session = useBrowserSession();

describe('the wall', () => {
  let wall: Page;

  it('without a token says how to give one, and takes #token= added later without a reload', async () => {
    const page = await session.newPage();
    await page.goto(`${session.server.url}/wall`);
    await page.getByRole('alert').filter({ hasText: 'This wall needs a viewer token' }).waitFor();
    expect(await page.locator('.token-needed code').first().textContent()).toBe(`${session.server.url}/wall#token=YOUR-TOKEN`);
    await page.screenshot({ path: join(SHOTS, 'wall-token-needed.png') });
    // Typed into the address bar of a running kiosk: a fragment change, not a navigation.
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    await page.evaluate((token) => (window.location.hash = `token=${token}`), TOKENS.wall);
    await page.locator('[data-queue="intake"]').waitFor();
    expect(loads).toEqual([]);
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.locator('.token-needed').count()).toBe(0);
    await page.close();
  });

  it('takes its token from the fragment, keeps it and clears it from the address bar', async () => {
    wall = await session.newPage();
    await wall.goto(`${session.server.url}/wall#token=${TOKENS.wall}`);
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
      const before = (Date.now() - session.eventsAt) / 1000;
      const oldest = await text(wall, `${tile} [data-metric="oldest"]`);
      const after = (Date.now() - session.eventsAt) / 1000;
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

describe('stale data and recovery', () => {
  it('shows the stale banner within 6 s of the server stopping, and clears it when it is back', async () => {
    const wall = await session.newPage();
    await wall.goto(`${session.server.url}/wall#token=${TOKENS.wall}`);
    await poll(() => text(wall, '[data-queue="intake"] [data-metric="backlog"]')).toBe('4');
    expect(await text(wall, '.link-label')).toBe('Live');
    expect(await wall.locator('[data-testid="stale-banner"]').count()).toBe(0);

    // From the moment the server is told to stop; its last snapshot came within the second before.
    const stoppedAt = Date.now();
    await session.server.stop();
    await wall.locator('[data-testid="stale-banner"]').waitFor({ timeout: 10_000 });
    const staleAfterMs = Date.now() - stoppedAt;
    expect(staleAfterMs).toBeLessThanOrEqual(6000);
    expect(await text(wall, '[data-testid="stale-banner"] strong')).toMatch(/^Data is \d+s old, last update at \d\d:\d\d:\d\d$/);
    await wall.screenshot({ path: join(SHOTS, 'wall-stale.png') });

    await session.restartServer();
    const restartedAt = Date.now();
    await wall.locator('[data-testid="stale-banner"]').waitFor({ state: 'detached', timeout: 20_000 });
    console.log(`stale banner ${staleAfterMs} ms after the server stopped; gone ${Date.now() - restartedAt} ms after it answered again`);
    expect(await text(wall, '.link-label')).toBe('Live');
  });
});
