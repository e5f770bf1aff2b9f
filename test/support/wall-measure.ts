/**
 * Measuring the wall in a real browser for the readable-wall test: every visible text box (its
 * size, whether it is cut off or clipped, whether it overlaps another), once the layout has
 * settled, and the spacing of stretched tiles.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { HD, SHOTS, poll } from './browser-session.js';

const UHD = { width: 3840, height: 2160 };
/** The figures that must be at least 44 px at 1080p (double at 4K). */
const KEY_FIGURES = ['backlog', 'waiting', 'sla', 'oldest'];

export const SIZES = [[HD, 1], [UHD, 2]] as const;

/** Sets the size, waits for the layout, saves a picture and measures every text box. */
export async function measureAt(page: Page, viewport: { width: number; height: number }, scale: number, shot: string): Promise<Measured> {
  await page.setViewportSize(viewport);
  await settled(page);
  await page.screenshot({ path: join(SHOTS, `${shot}-${viewport.width}.png`) });
  return measure(page, scale);
}

export interface Measured {
  problems: string[];
  texts: number;
}

/**
 * Waits until the wall has laid itself out: fonts ready, and the boxes of its tiles, banners,
 * trend and chart labels the same in two reads a poll apart. NOTE: the grid recomputes the rows
 * that fit once its size is observed, and recharts sizes its axes after a first paint, so a measure
 * taken right after a change of size or of banners can catch a frame in between.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  let last = '';
  await poll(async () => {
    const boxes = await page.evaluate(() =>
      new Promise<string>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() =>
            resolve(
              [...document.querySelectorAll('.tile, .alert-row, [data-testid="stale-banner"], .queue-grid, .trend, .trend svg text')]
                .map((el) => {
                  const r = el.getBoundingClientRect();
                  return `${Math.round(r.left)},${Math.round(r.top)},${Math.round(r.width)},${Math.round(r.height)}`;
                })
                .join(' '),
            ),
          ),
        ),
      ),
    );
    const still = boxes === last;
    last = boxes;
    return still;
  }, 20_000).toBe(true);
}

/**
 * Every visible text box on the page: its size, whether it is cut off, whether it meets another.
 * A box is seen through every clipping box around it (overflow other than visible, an inline svg):
 * what is clipped away entirely is not shown (a tile's status line wraps its last items out of
 * sight by design) and is left out; what is clipped in part is cut off.
 */
function measure(page: Page, scale: number): Promise<Measured> {
  return page.evaluate(
    ({ scale, keys }) => {
      const problems: string[] = [];
      const name = (el: Element) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      const clipOf = (el: Element) => {
        const clip = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
        for (let at: Element | null = el; at && at !== document.body; at = at.parentElement) {
          const style = getComputedStyle(at);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          const r = at.getBoundingClientRect();
          clip.left = Math.max(clip.left, r.left);
          clip.top = Math.max(clip.top, r.top);
          clip.right = Math.min(clip.right, r.right);
          clip.bottom = Math.min(clip.bottom, r.bottom);
        }
        return clip;
      };
      const boxes: { el: Element; rect: DOMRect }[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const el = node.parentElement!;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const clip = clipOf(el);
        const range = document.createRange();
        range.selectNodeContents(node);
        let shown = false;
        for (const full of range.getClientRects()) {
          if (full.width < 1 || full.height < 1) continue;
          const rect = new DOMRect(Math.max(full.left, clip.left), Math.max(full.top, clip.top), 0, 0);
          rect.width = Math.min(full.right, clip.right) - rect.x;
          rect.height = Math.min(full.bottom, clip.bottom) - rect.y;
          if (rect.width < 1 || rect.height < 1) continue;
          shown = true;
          // NOTE: a pixel of tolerance, as below; line boxes run a little beyond the glyphs.
          if (full.width - rect.width > 1 || full.height - rect.height > 1) problems.push(`${name(el)}: clipped (${Math.round(rect.width)}x${Math.round(rect.height)} of ${Math.round(full.width)}x${Math.round(full.height)} shown)`);
          boxes.push({ el, rect });
        }
        if (!shown) continue;
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

export interface TileSpacing {
  queue: string;
  top: number;
  /** The tallest key figure's box (agents/need included), px. */
  figure: number;
  /** The widest vertical gap between two consecutive rows of text, px. */
  gap: number;
}

/**
 * Per tile: how tall its key figures are and the widest empty band between its rows of text. A
 * row is a run of text boxes whose vertical extents overlap; text clipped away entirely (the
 * status line's last items) is not a row.
 */
export function tileSpacing(page: Page): Promise<TileSpacing[]> {
  return page.locator('.tile').evaluateAll((tiles) =>
    tiles.map((tile) => {
      const bounds = tile.getBoundingClientRect();
      const figures = [...tile.querySelectorAll('.tile-metrics [data-metric]')].filter((el) => ['backlog', 'oldest', 'waiting', 'sla', 'agents'].includes((el as HTMLElement).dataset.metric!));
      const spans: [number, number][] = [];
      const walker = document.createTreeWalker(tile, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim() || node.parentElement!.closest('[hidden]')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
          const top = Math.max(r.top, bounds.top);
          const bottom = Math.min(r.bottom, bounds.bottom);
          if (r.width >= 1 && bottom - top >= 1 && r.right > bounds.left && r.left < bounds.right) spans.push([top, bottom]);
        }
      }
      spans.sort((a, b) => a[0] - b[0]);
      let gap = 0;
      let bottom = spans[0]?.[1] ?? 0;
      for (const [top, end] of spans) {
        gap = Math.max(gap, top - bottom);
        bottom = Math.max(bottom, end);
      }
      return { queue: (tile as HTMLElement).dataset.queue!, top: bounds.top, figure: Math.max(...figures.map((el) => el.getBoundingClientRect().height)), gap };
    }),
  );
}

/**
 * A tile stretched by banners to one row of tiles: its key figures grow past those of the
 * two-row page (`twoRowFigure` px tall), and no empty band between its rows of text is wider
 * than 1.5 times its tallest figure.
 */
export async function expectStretchedTilesFilled(page: Page, twoRowFigure: number | undefined): Promise<void> {
  expect(twoRowFigure, 'the two-row page measured first').toBeDefined();
  const tiles = await tileSpacing(page);
  expect(tiles.length).toBeGreaterThan(0);
  expect(new Set(tiles.map((t) => Math.round(t.top))).size, 'one row of tiles').toBe(1);
  for (const tile of tiles) {
    expect(tile.figure, `${tile.queue}: figures grow past the two-row page's ${twoRowFigure} px`).toBeGreaterThan(twoRowFigure! * 1.15);
    expect(tile.gap, `${tile.queue}: widest gap between rows of text against its ${tile.figure} px figures`).toBeLessThanOrEqual(tile.figure * 1.5);
  }
}
