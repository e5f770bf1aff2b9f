/**
 * The lead view in a real browser (Debian's Chromium, headless) against the production build served
 * by the real server process with SIMULATOR=off, fed a known event set: sign-in, filters kept in
 * the URL, a queue's page, a lead limited to teams, and the alerts panel with its acknowledgement.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TOKENS } from './support/browser';
import { SHOTS, poll, text, useBrowserSession } from './support/browser-session';

const session = useBrowserSession();

describe('the lead view', () => {
  let lead: Page;

  it('asks for a token, refuses a viewer token, and signs a lead in', async () => {
    lead = await session.newPage();
    await lead.goto(`${session.server.url}/lead`);
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
    const shared = await session.newPage();
    await shared.goto(`${session.server.url}/lead?queues=intake,coding#token=${TOKENS.lead}`);
    await poll(() => shared.locator('.lead-tiles .tile').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-queue')))).toEqual(['intake', 'coding']);
    await shared.close();
  });

  it('opens a queue page with its history over 1 h to 7 days and its teams', async () => {
    await lead.goto(`${session.server.url}/lead`);
    await lead.locator('.lead-tiles [data-queue="billing"]').click();
    await lead.locator('[data-testid="history-charts"] .recharts-surface').first().waitFor();
    expect(new URL(lead.url()).pathname).toBe('/lead/queues/billing');
    expect(await lead.locator('[data-testid="history-charts"] figure').count()).toBe(5);
    const rows = await lead.locator('[data-testid="team-table"] tbody tr[data-team]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-team')));
    expect(rows).toEqual(['inhouse-b', 'partner-x']);
    const week = lead.waitForResponse((r) => r.url().includes('/api/metrics/history?') && r.url().includes('minutes=10080'));
    await lead.getByRole('link', { name: '7 days' }).click();
    expect((await week).status()).toBe(200);
    expect(new URL(lead.url()).search).toBe('?range=7d');
    await lead.locator('[data-testid="history-charts"] .recharts-line-curve').first().waitFor();
    await lead.goto(`${session.server.url}/lead`);
    await lead.locator('.lead-tiles .tile').first().waitFor();
    await lead.screenshot({ path: join(SHOTS, 'lead.png') });
  });

  it('shows a lead limited to teams only those teams', async () => {
    const limited = await session.newPage();
    await limited.goto(`${session.server.url}/lead#token=${TOKENS.leadB}`);
    await poll(() => limited.locator('.lead-tiles .tile').evaluateAll((ts) => ts.map((t) => t.getAttribute('data-queue')))).toEqual(['billing', 'coding']);
    const rows = await limited.locator('[data-testid="team-table"] tbody tr[data-team]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-team')));
    expect(rows).toEqual(['inhouse-b', 'inhouse-b']);
    expect(await limited.locator('[data-filter^="team:"]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-filter')))).toEqual(['team:inhouse-b']);
    await limited.close();
  });

  it('lists the alerts the server holds for the lead, or says there are none', async () => {
    await lead.goto(`${session.server.url}/lead`);
    await lead.locator('[data-testid="alerts-panel"]').waitFor({ timeout: 15_000 });
    // NOTE: the known events may raise a (pending) demand-peak alert minutes into this run: the
    // panel must show what GET /api/alerts holds, whatever that is by now.
    const shown = async () => {
      const response = await fetch(`${session.server.url}/api/alerts`, { headers: { Authorization: `Bearer ${TOKENS.lead}` } });
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
    const ack = lead.locator(`[data-alert="${id}"] [data-field="acknowledgements"] [data-field="acknowledgement"]`);
    await ack.waitFor({ timeout: 10_000 });
    expect((await ack.textContent())?.replace(/\s+/g, ' ')).toMatch(/^Acknowledged by lead-all at \d\d:\d\d: “Calling in the evening shift”$/);
    expect(await lead.locator(`[data-alert="${id}"] .ack-form button`).textContent()).toBe('Acknowledge again');
  }, 150_000);
});
