/**
 * The lead view's decision pages in a real browser (Debian's Chromium, headless) against the
 * production build served by the real server process, fed the known event set: the partner
 * scorecard read against the API's own JSON (a lead sees every partner, a partner token its own
 * row), and the what-if: a lead builds "as today" and "hybrid", runs them, and compares them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { scorecardSchema, type Scorecard } from '../contracts/scorecard';
import { whatIfAnswerSchema } from '../contracts/what-if';
import { scorecardCells } from '../client/src/components/decision/ScorecardRow';
import { trendSummary } from '../client/src/components/decision/TrendSparkline';
import { formatDuration, formatPercent } from '../client/src/format';
import { outcomeCell } from '../client/src/components/decision/WhatIfResults';
import { BROWSER_CONFIG, TOKENS } from './support/browser';
import { SHOTS, poll, useBrowserSession } from './support/browser-session';

const PARTNER_TOKEN = 'partner-x-own-token-0123456789';
const sha = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** The browser config with costs, a second partner, a sensitive queue and partner X's own token. */
const DECISION_CONFIG = {
  ...BROWSER_CONFIG,
  queues: BROWSER_CONFIG.queues.map((q) => (q.id === 'coding' ? { ...q, sensitive: true } : q)),
  teams: [
    ...BROWSER_CONFIG.teams.map((t) => ({ ...t, cost_per_agent_hour: t.kind === 'partner' ? 28 : 40 })),
    { id: 'partner-y', name: 'Partner Y', kind: 'partner', queues: ['billing'], cost_per_agent_hour: 25 },
  ],
  access: [...BROWSER_CONFIG.access, { name: 'partner-x', role: 'partner', team: 'partner-x', token_sha256: sha(PARTNER_TOKEN) }],
};

const session = useBrowserSession(DECISION_CONFIG);

async function apiScorecard(token: string, range: string): Promise<Scorecard> {
  const res = await fetch(`${session.server.url}/api/partners/scorecard?range=${range}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return scorecardSchema.parse(await res.json());
}

/** Every `data-field` of a partner's row, as the page shows it. */
const rowFields = (page: Page, team: string) =>
  page.locator(`[data-testid="scorecard-table"] tr[data-team="${team}"] [data-field]`).evaluateAll((els) => {
    const out: Record<string, string> = {};
    for (const el of els) out[el.getAttribute('data-field')!] = (el.textContent ?? '').trim();
    return out;
  });

const rowTeams = (page: Page) => page.locator('[data-testid="scorecard-table"] tbody tr[data-team]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-team')));

describe('the partner scorecard page', () => {
  let lead: Page;

  it('is one click from the lead view, with a row per partner showing the figures of the API', async () => {
    lead = await session.newPage({ width: 1440, height: 900 });
    await lead.goto(`${session.server.url}/lead#token=${TOKENS.lead}`);
    await lead.getByRole('link', { name: 'Partner scorecard' }).click();
    await lead.locator('[data-testid="scorecard-table"]').waitFor();
    expect(new URL(lead.url()).pathname).toBe('/lead/partners');
    const card = await apiScorecard(TOKENS.lead, '7d');
    expect(card.partners.map((p) => p.team)).toEqual(['partner-x', 'partner-y']);
    expect(await rowTeams(lead)).toEqual(['partner-x', 'partner-y']);
    // Partner X started i2 (1200 s, over intake's 600 s), b2 (2700 s) and b3 (60 s, both within billing's 3600 s).
    expect(card.partners[0].sla_attainment).toBeCloseTo(2 / 3, 6);
    for (const p of card.partners) {
      const shown = await rowFields(lead, p.team);
      expect(shown).toEqual(expect.objectContaining({ ...scorecardCells(p), queues: p.queues.join(', ') }));
    }
    expect(await lead.locator('tr[data-team="partner-x"] [data-field="sla_attainment"]').textContent()).toBe('66%');
    // The trend: two sparklines per row, each named by a sentence drawn from the API's series.
    for (const p of card.partners) {
      const sla = lead.locator(`tr[data-team="${p.team}"] [data-testid="trend-sla_attainment"]`);
      const answer = lead.locator(`tr[data-team="${p.team}"] [data-testid="trend-answer_seconds_p50"]`);
      expect(await sla.getAttribute('aria-label')).toBe(trendSummary('SLA', 'day', p.trend.map((t) => t.sla_attainment), formatPercent));
      expect(await answer.getAttribute('aria-label')).toBe(trendSummary('Answer p50', 'day', p.trend.map((t) => t.answer_seconds_p50), formatDuration));
      expect(await sla.locator('svg.recharts-surface').count()).toBe(1);
    }
    // A lead is offered every page.
    const nav = lead.getByRole('navigation', { name: 'Views' });
    await poll(() => nav.getByRole('link').allTextContents()).toEqual(['Queues', 'Partner scorecard', 'What-if', 'Wall']);
  });

  it('switches the range in the URL and downloads the CSV the API gives', async () => {
    await lead.getByRole('link', { name: '24 hours' }).click();
    expect(new URL(lead.url()).search).toBe('?range=24h');
    const day = await apiScorecard(TOKENS.lead, '24h');
    await poll(() => rowFields(lead, 'partner-x')).toEqual(expect.objectContaining(scorecardCells(day.partners[0])));
    const download = lead.waitForEvent('download');
    await lead.getByTestId('scorecard-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('partner-scorecard-24h.csv');
    const csv = await fetch(`${session.server.url}/api/partners/scorecard?range=24h&format=csv`, { headers: { Authorization: `Bearer ${TOKENS.lead}` } });
    // NOTE: the server's clock runs, so `from` and `to` move between the two reads, and with them the
    // last column, `cost` (agent-hours in the range): the rows are compared without the range, and the
    // costs to within half a unit (one agent's minute at 28 an hour is 0.47).
    const cells = (text: string) => text.trim().split(/\r?\n/).map((line) => line.split(',').slice(3));
    const [downloaded, api] = [cells(readFileSync((await file.path())!, 'utf8')), cells(await csv.text())];
    expect(downloaded.map((row) => row.slice(0, -1))).toEqual(api.map((row) => row.slice(0, -1)));
    for (const [i, row] of downloaded.slice(1).entries()) expect(Number(row.at(-1))).toBeCloseTo(Number(api[i + 1].at(-1)), 0);
  });

  it('opens the requests behind a partner’s figures with one click, by keyboard too', async () => {
    const toggle = lead.locator('tr[data-team="partner-x"] [data-testid="partner-requests-toggle"]');
    await toggle.focus();
    await lead.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await poll(() => lead.locator('.requests-row').textContent()).toMatch(/No capacity request was sent to Partner X in this range|Capacity requests to Partner X/);
    await lead.screenshot({ path: join(SHOTS, 'scorecard.png'), fullPage: true });
  });

  it('shows a partner’s own token exactly one row: its own', async () => {
    const partner = await session.newPage({ width: 1440, height: 900 });
    await partner.goto(`${session.server.url}/lead/partners#token=${PARTNER_TOKEN}`);
    await partner.locator('[data-testid="scorecard-table"]').waitFor();
    await poll(() => rowTeams(partner)).toEqual(['partner-x']);
    const own = await apiScorecard(PARTNER_TOKEN, '7d');
    expect(own.partners).toHaveLength(1);
    expect(await rowFields(partner, 'partner-x')).toEqual(expect.objectContaining(scorecardCells(own.partners[0])));
    // Only the page it can use: the queues view, the what-if and the wall would refuse its token.
    const nav = partner.getByRole('navigation', { name: 'Views' });
    await poll(() => nav.getByRole('link').allTextContents()).toEqual(['Partner scorecard']);
    expect(await partner.getByRole('link', { name: 'Team lead view' }).count()).toBe(0);
  });
});

describe('the what-if page', () => {
  it('lets a lead build "as today" and "hybrid", run them, and compare them side by side', async () => {
    const page = await session.newPage({ width: 1440, height: 900 });
    await page.goto(`${session.server.url}/lead#token=${TOKENS.lead}`);
    await page.getByRole('link', { name: 'What-if' }).click();
    const scenarios = page.locator('fieldset.scenario');
    await poll(() => scenarios.count()).toBe(2);
    expect(await scenarios.nth(0).getByLabel('Preset').inputValue()).toBe('as today');
    await scenarios.nth(1).getByLabel('Preset').selectOption('hybrid: sensitive in-house, peaks to partners');
    // The sensitive queue's partner share cannot be set, and the page says why.
    const codingShare = scenarios.nth(1).getByLabel('Medical coding: partner share in percent');
    expect(await codingShare.isDisabled()).toBe(true);
    expect(await scenarios.nth(1).locator('tr[data-queue="coding"] .sensitive-reason').textContent()).toBe('Sensitive: must stay in-house');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/what-if') && r.request().method() === 'POST');
    await page.getByTestId('what-if-run').click();
    const response = await answered;
    expect(response.status()).toBe(200);
    const answer = whatIfAnswerSchema.parse(await response.json());
    expect(answer.scenarios.map((s) => s.name)).toEqual(['as today', 'hybrid: sensitive in-house, peaks to partners']);
    const table = page.getByTestId('what-if-table');
    await table.waitFor();
    expect(await table.locator('thead th[data-scenario]').allTextContents()).toEqual(['as today', 'hybrid: sensitive in-house, peaks to partners']);
    for (const [i, s] of answer.scenarios.entries()) {
      for (const q of s.queues) {
        for (const field of ['tasks', 'sla_attainment', 'wait_p90_seconds', 'cost']) {
          expect(await table.locator(`tbody[data-queue="${q.queue}"] td[data-scenario="${i}"][data-field="${field}"]`).textContent()).toBe(outcomeCell(q, field));
        }
      }
    }
    const columns = (i: number) => table.locator(`td[data-scenario="${i}"]`).allTextContents();
    expect(await columns(0)).not.toEqual(await columns(1));
    expect(await page.getByTestId('what-if-chart').locator('.recharts-scatter-symbol').count()).toBe(2);
    expect(await page.getByTestId('what-if-explain').textContent()).toMatch(/Against “as today”, “hybrid: sensitive in-house, peaks to partners”/);
    expect(await page.getByTestId('what-if-calibration').locator('tbody tr').count()).toBe(answer.calibration.queues.length);
    await page.screenshot({ path: join(SHOTS, 'what-if.png'), fullPage: true });
    // Business continuity: the same hybrid without partner X.
    await scenarios.nth(1).getByLabel('Partner X').check();
    const again = page.waitForResponse((r) => r.url().endsWith('/api/what-if') && r.request().method() === 'POST');
    await page.getByTestId('what-if-run').click();
    expect(JSON.parse((await again).request().postData()!).scenarios[1].drop_partners).toEqual(['partner-x']);
    await poll(() => page.getByTestId('what-if-explain').textContent()).toMatch(/goes without Partner X/);
  }, 90_000);
});
