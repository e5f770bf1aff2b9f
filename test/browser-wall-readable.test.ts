/**
 * The wall read from five metres (issue 12, item 3), measured in a real browser with every banner
 * up: the shipped config's six queues during the demo's surge until an alert fires, then the
 * server stopped so the stale banner stacks on the alert banner. At 1920x1080 no visible text under
 * 20 CSS px and the key figures at least 44 px; nothing cut off, nothing drawn over anything else;
 * 3840x2160 the same at double size.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { HD, SHOTS } from './support/browser-session.js';
import { launchChromium, writeBrowserConfig } from './support/browser.js';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/process.js';

const TOKEN = 'readable-wall-token-0123456789';
const UHD = { width: 3840, height: 2160 };
const KEY_FIGURES = ['backlog', 'waiting', 'sla', 'oldest'];

let server: ServerProcess;
let browser: Browser;
let wall: Page;

/**
 * The shipped config with a viewer token for the wall, and no partner to ask for capacity: the
 * demo partners would commit agents at once, and on a loaded machine (the whole suite in CI) the
 * alert was resolved before the wall had loaded. Without them it stays firing while it is measured.
 */
function readableConfig(): object {
  const config = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as { teams: { capacity?: unknown }[] };
  const teams = config.teams.map(({ capacity: _, ...team }) => team);
  const token_sha256 = createHash('sha256').update(TOKEN, 'utf8').digest('hex');
  return { ...config, teams, access: [{ name: 'wall', role: 'viewer', token_sha256 }] };
}

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServerProcess({ OPS_CONFIG: writeBrowserConfig(readableConfig()), SIMULATOR: 'on', BACKFILL_HOURS: '24', CLOCK_AT: '2026-11-26T09:05:00Z', ALERT_EVALUATE_MS: '1000', ALERT_HOLD_MS: '0', LOG_LEVEL: 'error', DATA_DIR: tempDataDir() }),
    launchChromium(),
  ]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Measured {
  problems: string[];
  texts: number;
}

/** Every visible text box on the page: its size, whether it is cut off, whether it meets another. */
function measure(page: Page, scale: number): Promise<Measured> {
  return page.evaluate(
    ({ scale, keys }) => {
      const problems: string[] = [];
      const name = (el: Element) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      const boxes: { el: Element; rect: DOMRect }[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const el = node.parentElement!;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) {
          if (rect.width < 1 || rect.height < 1) continue;
          boxes.push({ el, rect });
        }
        const size = parseFloat(style.fontSize);
        if (size < 20 * scale) problems.push(`${name(el)}: ${size}px`);
        const figure = el.closest<HTMLElement>('.tile-metrics [data-metric]');
        // Units ("m", "%") ride smaller by design; the digits are the figure.
        if (figure && keys.includes(figure.dataset.metric!) && /\d/.test(node.textContent) && size < 44 * scale) problems.push(`${figure.dataset.metric} ${name(el)}: ${size}px`);
      }
      for (const el of document.querySelectorAll<HTMLElement>('body *')) {
        const style = getComputedStyle(el);
        const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
        if (clips && el.textContent?.trim() && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)}: cut off (${el.scrollWidth} > ${el.clientWidth})`);
      }
      // A text box that its own clipping ancestor hides would count as shown: the checks above catch that.
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].rect;
          const b = boxes[j].rect;
          const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // NOTE: a pixel of tolerance; line boxes of adjacent lines may touch.
          if (across > 1 && down > 1) problems.push(`${name(boxes[i].el)} overlaps ${name(boxes[j].el)}`);
        }
      }
      return { problems, texts: boxes.length };
    },
    { scale, keys: KEY_FIGURES },
  );
}

describe('the wall from five metres, with the alert and stale banners stacked', () => {
  it('shows an alert, then the stale banner over it once the server stops', async () => {
    wall = await (await browser.newContext({ viewport: HD })).newPage();
    await wall.goto(`${server.url}/wall#token=${TOKEN}`);
    await wall.locator('.tile').first().waitFor({ timeout: 150_000 });
    await wall.locator('[data-testid="alert-banner"] .alert-row').first().waitFor({ timeout: 150_000 });
    // The guidance (why, asks, what to do) fills in over the next seconds; the banner at its tallest.
    await wall.locator('.alert-row [data-part="action"]').first().waitFor({ timeout: 30_000 });
    await server.stop();
    await wall.locator('[data-testid="stale-banner"]').waitFor({ timeout: 10_000 });
    expect(await wall.locator('.tile').count()).toBeGreaterThan(0);
  }, 240_000);

  for (const [viewport, scale] of [[HD, 1], [UHD, 2]] as const) {
    it(`at ${viewport.width}x${viewport.height}: text at least ${20 * scale} px, figures ${44 * scale} px, nothing cut off or overlapping`, async () => {
      await wall.setViewportSize(viewport);
      await wall.waitForTimeout(300);
      await wall.screenshot({ path: join(SHOTS, `wall-readable-${viewport.width}.png`) });
      const { problems, texts } = await measure(wall, scale);
      expect(texts).toBeGreaterThan(50);
      expect(problems).toEqual([]);
    });
  }
});
