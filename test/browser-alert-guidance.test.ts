/**
 * The alert banner in a real browser during the demo's surge (issue 12, item 1): the product as
 * `npm run demo:surge` runs it (the simulator's weekday-morning surge, CLOCK_AT 09:05 UTC), alerts
 * evaluated every second with no hold time, its partners' webhooks on a fake partner this test
 * answers for over the real API. The banner says why the alert fired and what to do; once the
 * partners commit what is missing it reads "covered"; the lead view says the same in the same words;
 * a lead's acknowledgement with a comment, made on the lead view, reaches the wall.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, CapacityRequest } from '../contracts/alerts.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { HD, SHOTS, poll, text } from './support/browser-session.js';
import { launchChromium, writeBrowserConfig } from './support/browser.js';
import { startFakePartner, type FakePartner } from './support/fake-partner.js';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/process.js';

const TOKENS = { wall: 'surge-wall-token-0123456789', lead: 'surge-lead-token-0123456789', partner: 'surge-partner-token-0123456789' } as const;
const SECRET = 'surge-webhook-secret-0123456789';
const sha = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const COMMENT = 'Two from billing are on their way <b>now</b>';

let server: ServerProcess;
let browser: Browser;
let partner: FakePartner;
let wall: Page;
let lead: Page;

/** What the wall's row and the lead view's item of one alert say, part by part. */
async function bothSay(id: string, part: string): Promise<[string, string]> {
  const read = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
  return [await read(wall, `.alert-row[data-alert="${id}"] [data-part="${part}"]`), await read(lead, `.alert-item[data-alert="${id}"] [data-part="${part}"]`)];
}

/** The shipped config with every partner's webhook on the fake partner, and tokens for each role. */
function surgeConfig(webhookUrl: string): { config: object; env: Record<string, string> } {
  const config = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as { teams: { id: string; kind: string; capacity?: { webhook_url: string; secret_env: string } }[] };
  const env: Record<string, string> = {};
  const partners = config.teams.filter((t) => t.capacity);
  for (const t of partners) {
    t.capacity!.webhook_url = webhookUrl;
    env[t.capacity!.secret_env] = SECRET;
  }
  const access = [
    { name: 'wall', role: 'viewer', token_sha256: sha(TOKENS.wall) },
    { name: 'lead-on-duty', role: 'lead', token_sha256: sha(TOKENS.lead) },
    ...partners.map((t) => ({ name: t.id, role: 'partner', team: t.id, token_sha256: sha(`${TOKENS.partner}-${t.id}`) })),
  ];
  return { config: { ...config, access }, env };
}

const api = async <T>(path: string, token: string, body?: object): Promise<T> => {
  const res = await fetch(`${server.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await res.json()) as T;
};

beforeAll(async () => {
  partner = await startFakePartner(SECRET);
  const { config, env } = surgeConfig(`${partner.url}/capacity`);
  [server, browser] = await Promise.all([
    startServerProcess({ ...env, OPS_CONFIG: writeBrowserConfig(config), SIMULATOR: 'on', BACKFILL_HOURS: '24', CLOCK_AT: '2026-11-26T09:05:00Z', ALERT_EVALUATE_MS: '1000', ALERT_HOLD_MS: '0', LOG_LEVEL: 'warn', DATA_DIR: tempDataDir() }),
    launchChromium(),
  ]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await partner?.close();
});

describe('the alert banner during a surge', () => {
  it('says the state, why it fired, the asks against the shortfall and what to do', async () => {
    wall = await (await browser.newContext({ viewport: HD })).newPage();
    await wall.goto(`${server.url}/wall#token=${TOKENS.wall}`);
    const row = wall.locator('[data-testid="alert-banner"] .alert-row').first();
    // NOTE: generous: on a loaded 2-core machine the 24-hour backfill and the first evaluations
    // took over two minutes before the surge's first alert fired.
    await row.waitFor({ timeout: 240_000 });
    expect(await row.getAttribute('data-status')).toBe('firing');
    expect(await text(wall, '.alert-row [data-part="status"]')).toBe('Firing');
    expect(await text(wall, '.alert-row [data-part="reason"]')).toMatch(/^\d+ arrivals in 15 min, forecast \d+ · projected SLA \d+% \(goal \d+%\)$/);
    await poll(() => text(wall, '.alert-row [data-part="action"]'), 30_000).toMatch(/^Do: (move \d+ agents? from .+ \(.+\)|call .+: no answer for \d+ min|ask .+ for \d+ more|wait: \d+ agents? (asked, answers due|committed, arriving))$/);
    await poll(() => text(wall, '.alert-row [data-part="asks"]'), 30_000).toMatch(/^short \d+ agents? [=<] \d+ committed/);
    await wall.screenshot({ path: join(SHOTS, 'wall-alert-firing.png') });
  }, 300_000);

  it('the lead view says the same: firing, why, the asks and what to do', async () => {
    const id = (await wall.locator('.alert-row').first().getAttribute('data-alert'))!;
    lead = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await lead.goto(`${server.url}/lead#token=${TOKENS.lead}`);
    const item = lead.locator(`.alert-item[data-alert="${id}"]`);
    await item.waitFor({ timeout: 30_000 });
    // The alert may move on (asks answered, covered) while both are read: they must agree at some instant.
    await poll(async () => [await item.getAttribute('data-status'), await wall.locator(`.alert-row[data-alert="${id}"]`).getAttribute('data-status')], 30_000).toEqual(['firing', 'firing']);
    for (const part of ['status', 'action', 'asks']) {
      await poll(async () => { const [onWall, onLead] = await bothSay(id, part); return onLead === onWall && onLead !== ''; }, 30_000).toBe(true);
    }
    expect((await bothSay(id, 'status'))[1]).toBe('Firing');
    expect((await bothSay(id, 'reason'))[1]).toMatch(/^\d+ arrivals in 15 min, forecast \d+ · projected SLA \d+% \(goal \d+%\)$/);
  }, 60_000);

  it('reads "covered" once the partners commit what is missing', async () => {
    // Answer every request as its partner would, accepting in full, until every firing alert is covered.
    await poll(async () => {
      const { requests } = await api<{ requests: CapacityRequest[] }>('/api/capacity-requests', TOKENS.lead);
      for (const r of requests.filter((x) => x.state === 'awaiting_response')) {
        await api(`/api/capacity-requests/${r.request_id}/response`, `${TOKENS.partner}-${r.partner}`, { decision: 'accepted' });
      }
      const { alerts } = await api<{ alerts: Alert[] }>('/api/alerts', TOKENS.lead);
      return alerts.filter((a) => a.state === 'firing').map((a) => a.guidance?.status);
    }, 60_000).toSatisfy((statuses: (string | undefined)[]) => statuses.length > 0 && statuses.every((s) => s === 'covered'));
    const row = wall.locator('.alert-row').first();
    await poll(() => row.getAttribute('data-status'), 10_000).toBe('covered');
    expect(await text(wall, '.alert-row [data-part="status"]')).toBe('Covered · recovering');
    expect(await text(wall, '.alert-row [data-part="action"]')).toMatch(/^Do: wait: \d+ agents? committed, arriving$/);
    expect(await text(wall, '.alert-row [data-part="asks"]')).toMatch(/^short \d+ agents? [=<] \d+ committed.*: asked \d+ · committed \d+/);
    // The lead view no longer shows it as firing: covered, with the wall's words.
    const id = (await row.getAttribute('data-alert'))!;
    const item = lead.locator(`.alert-item[data-alert="${id}"]`);
    await poll(() => item.getAttribute('data-status'), 10_000).toBe('covered');
    expect(await item.getAttribute('data-state')).toBe('firing');
    expect((await bothSay(id, 'status'))[1]).toBe('Covered · recovering');
    for (const part of ['action', 'asks']) {
      await poll(async () => { const [onWall, onLead] = await bothSay(id, part); return onLead === onWall; }, 10_000).toBe(true);
    }
    expect(await item.locator('.alert-state').getAttribute('class')).toContain('level-amber');
    await item.screenshot({ path: join(SHOTS, 'lead-alert-covered.png') });
  }, 90_000);

  it('shows an acknowledgement made on the lead view with its comment, as the lead wrote it', async () => {
    const id = await wall.locator('.alert-row').first().getAttribute('data-alert');
    const item = lead.locator(`.alert-item[data-alert="${id}"]`);
    await item.locator('input[aria-label="Comment (optional)"]').fill(COMMENT);
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    const ack = wall.locator(`.alert-row[data-alert="${id}"] [data-part="ack"]`).first();
    await ack.waitFor({ timeout: 10_000 });
    expect(await ack.locator('span').first().textContent()).toMatch(/^Acknowledged by lead-on-duty at \d\d:\d\d$/);
    // Shown as text, never as markup.
    expect(await ack.locator('q').textContent()).toBe(COMMENT);
    expect(await ack.locator('q b').count()).toBe(0);
    await wall.screenshot({ path: join(SHOTS, 'wall-alert-covered.png') });
    // Every part of the row readable across the room: no text under 20 px at 1080p, nothing cut off.
    const problems = await wall.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.alert-row *')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()))
        .flatMap((el) => {
          const size = parseFloat(getComputedStyle(el).fontSize);
          const out: string[] = [];
          if (size < 20) out.push(`${el.className}: ${size}px`);
          if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline') out.push(`${el.className}: clipped`);
          return out;
        }),
    );
    expect(problems).toEqual([]);
  });
});
