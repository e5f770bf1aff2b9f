/**
 * The lead's queue charts in a real browser at 1440x900 (issue 12, item 5), against the production
 * build served by the real server process: the forecast and the same time last week over the
 * arrivals, staffed against needed agents, seven day labels over 7 days, the team table following
 * the picked range, the page's full width, and a gap (not zeros) before the first data.
 *
 * Billing gets a task every 5 minutes over the past 8 days (so last week has data); then the
 * server restarts, so the alerting's forecast reads those days as it does at any start.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { postEvents, TOKENS } from './support/browser';
import { poll, SHOTS, text, useBrowserSession } from './support/browser-session';

const session = useBrowserSession();
const VIEWPORT = { width: 1440, height: 900 };
const MIN = 60_000;
/** Generous: a loaded 2-core CI machine may take a while to draw after a restart. */
const WAIT = 45_000;

/** A billing task every 5 minutes from 8 days ago: created, started by inhouse-b 3 minutes later, completed 10 minutes after that. */
function billingWeeks(now: number) {
  const events: object[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  for (let created = now - 8 * 24 * 60 * MIN, i = 0; created < now - 20 * MIN; created += 5 * MIN, i++) {
    const task = { queue: 'billing', task_id: `hist-${i}` };
    events.push({ event_id: `hc${i}`, type: 'task.created', occurred_at: at(created), ...task });
    events.push({ event_id: `hs${i}`, type: 'task.started', occurred_at: at(created + 3 * MIN), team: 'inhouse-b', ...task });
    events.push({ event_id: `hd${i}`, type: 'task.completed', occurred_at: at(created + 13 * MIN), ...task });
  }
  return events;
}

/** The `d` of a chart's line (by its class), or '' when it draws none. */
const linePath = (page: Page, chart: string, line: string) =>
  page
    .locator(`[data-testid="${chart}"] .${line} path.recharts-line-curve`)
    .evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? '').join(''));

describe('the lead charts', () => {
  let page: Page;

  beforeAll(async () => {
    const events = billingWeeks(Date.now());
    const answer = await postEvents(session.server.url, events);
    expect(answer).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    await session.server.stop();
    await session.restartServer();
    page = await session.newPage(VIEWPORT);
  }, 180_000);

  it('draws the forecast and the same time last week over the arrivals, and staffed against needed agents', async () => {
    await page.goto(`${session.server.url}/lead/queues/billing?range=8h#token=${TOKENS.lead}`);
    await poll(() => linePath(page, 'chart-arrivals', 'line-forecast'), WAIT).toMatch(/^M[\d.,\sLC-]+$/);
    await poll(() => linePath(page, 'chart-arrivals', 'line-last-week'), WAIT).toMatch(/^M/);
    expect(await linePath(page, 'chart-arrivals', 'line-arrivals')).toMatch(/^M/);
    const legend = await page.locator('[data-testid="chart-arrivals"] .chart-key').allTextContents();
    expect(legend).toEqual(['Arrivals', 'Completions', 'Forecast', 'Same time last week']);
    await poll(() => linePath(page, 'chart-staffing', 'line-staffed'), WAIT).toMatch(/^M/);
    await poll(() => linePath(page, 'chart-staffing', 'line-needed'), WAIT).toMatch(/^M/);
    await page.locator('.queue-page-live .tile').waitFor({ timeout: WAIT });
    await page.screenshot({ path: join(SHOTS, 'lead-charts-8h.png'), fullPage: true });
  }, 120_000);

  it('uses the full width at 1440 px: no half-width tile beside empty space', async () => {
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const main = await box('main.lead-main');
    expect(main.width).toBeGreaterThanOrEqual(0.9 * VIEWPORT.width);
    const charts = await box('[data-testid="history-charts"]');
    expect(charts.width).toBeGreaterThanOrEqual(0.9 * VIEWPORT.width);
    const tile = await box('.queue-page-live .tile');
    const teams = await box('[data-testid="range-teams"]');
    // The tile and the teams sit side by side and reach across the page together.
    expect(Math.abs(tile.y - teams.y)).toBeLessThan(4);
    expect(teams.x + teams.width - tile.x).toBeGreaterThanOrEqual(0.9 * VIEWPORT.width);
    expect(tile.width).toBeLessThan(VIEWPORT.width / 3);
  });

  it('keeps the team table to the picked range', async () => {
    const started = () => text(page, '[data-testid="team-table"] tr[data-team="inhouse-b"] [data-metric="started"]');
    await page.getByRole('link', { name: '1 h', exact: true }).click();
    await poll(() => text(page, '[data-testid="range-teams"] h2'), WAIT).toBe('Teams on this queue · last 1 h');
    await poll(() => page.locator('[data-testid="team-table"]').getAttribute('data-minutes'), WAIT).toBe('60');
    const hour = Number(await started());
    await page.getByRole('link', { name: '7 days', exact: true }).click();
    await poll(() => text(page, '[data-testid="range-teams"] h2'), WAIT).toBe('Teams on this queue · last 7 days');
    await poll(() => page.locator('[data-testid="team-table"]').getAttribute('data-minutes'), WAIT).toBe('10080');
    const week = Number((await started()).replace(/\D/g, ''));
    // A start every 5 minutes: about 12 in an hour, about 2,000 in a week.
    expect(hour).toBeGreaterThanOrEqual(8);
    expect(hour).toBeLessThanOrEqual(16);
    expect(week).toBeGreaterThan(1900);
  });

  it('labels every day on the 7-day axis', async () => {
    await page.locator('[data-testid="chart-arrivals"] .recharts-line-curve').first().waitFor({ timeout: WAIT });
    const labels = await page.locator('[data-testid="chart-arrivals"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(labels.every((l) => /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2}$/.test(l))).toBe(true);
    expect(new Set(labels).size).toBeGreaterThanOrEqual(7);
    await page.screenshot({ path: join(SHOTS, 'lead-charts-7d.png'), fullPage: true });
  });

  it('leaves the time before the first data empty, never drawn as zero', async () => {
    // Coding has two tasks, both within the last 20 minutes: the 8 hours before are no data.
    await page.goto(`${session.server.url}/lead/queues/coding?range=8h#token=${TOKENS.lead}`);
    await poll(() => text(page, '[data-testid="no-data-note"]'), WAIT).toMatch(/^No data before \d\d:\d\d/);
    await poll(() => linePath(page, 'chart-arrivals', 'line-arrivals'), WAIT).toMatch(/^M/);
    const plot = (await page.locator('[data-testid="chart-arrivals"] .recharts-cartesian-grid').boundingBox())!;
    const arrivals = (await page.locator('[data-testid="chart-arrivals"] .line-arrivals path.recharts-line-curve').boundingBox())!;
    // The line starts in the last half-hour of the 8 hours (the right 1/16 of the plot, with slack).
    expect(arrivals.x).toBeGreaterThan(plot.x + plot.width * 0.85);
    expect(await page.locator('[data-testid="chart-arrivals"] .no-data-band').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'lead-charts-no-data.png'), fullPage: true });
  });
});
