/**
 * `npm run screenshots:decision [-- BASE_URL]`: pictures of the lead view's decision pages for the
 * README: docs/images/scorecard.png (the partner scorecard) and docs/images/what-if.png ("as
 * today" against "hybrid", run). Without BASE_URL it starts the product as `npm run demo:surge`
 * does (the default config, the simulator backfilling the last 24 hours, so the 24-hour trend is
 * full, the clock in the morning
 * surge) on a free port with a temporary data directory, alerts evaluated every second and firing
 * at once, so capacity requests go out and the demo partners answer them (20 to 120 s) before the
 * picture; it stops the product afterwards. LEAD_TOKEN is sent when the server has access tokens.
 * Uses Debian's Chromium (/usr/bin/chromium), never a downloaded browser. SHOTS_OUT puts docs/images
 * under another directory (a test's) instead of the repository's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(process.env.SHOTS_OUT ?? ROOT, 'docs/images');
const VIEWPORT = { width: 1440, height: 900 };
const token = process.env.LEAD_TOKEN ?? null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` once a second until it holds or `seconds` pass. */
async function waitFor(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    if (await check().catch(() => false)) return;
    await sleep(1000);
  }
  throw new Error(`gave up waiting for ${what} after ${seconds} s`);
}

async function startProduct(): Promise<{ url: string; child: ChildProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'occ-shots-'));
  // NOTE: the surge raises the demand-peak alerts that send capacity requests; the backfill alone raises none.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo-surge.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SIMULATOR: 'on', ALERT_EVALUATE_MS: '1000', ALERT_HOLD_MS: '0', BACKFILL_HOURS: '24' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the server', 60, async () => (await fetch(`${url}/readyz`)).ok);
  return { url, child, dataDir };
}

const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
const started = process.argv[2] ? null : await startProduct();
const base = process.argv[2] ?? started!.url;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  mkdirSync(OUT, { recursive: true });
  // The backfill takes a moment, the partners' answers up to two minutes: wait until partners have
  // started work in the last day and every partner asked has answered a request.
  type Entry = { share_of_starts: number | null; requests: { total: number; accepted: number; partial: number; declined: number } };
  await waitFor('partner work and answered requests in the scorecard', 420, async () => {
    const card = (await (await fetch(`${base}/api/partners/scorecard?range=24h`, { headers })).json()) as { partners: Entry[] };
    const answered = (p: Entry) => p.requests.accepted + p.requests.partial + p.requests.declined;
    const asked = card.partners.filter((p) => p.requests.total > 0);
    return card.partners.length > 0 && card.partners.every((p) => p.share_of_starts !== null) && asked.length > 0 && asked.every((p) => answered(p) > 0);
  });
  const page = await browser.newPage({ viewport: VIEWPORT });
  const hash = token ? `#token=${encodeURIComponent(token)}` : '';
  await page.goto(`${base}/lead/partners?range=24h${hash}`);
  await page.locator('[data-testid="scorecard-table"]').waitFor();
  await page.locator('tr[data-team] [data-testid="partner-requests-toggle"]').first().click();
  await page.locator('.requests-row table, .requests-row .placeholder:not(:has-text("Loading"))').first().waitFor();
  await page.screenshot({ path: join(OUT, 'scorecard.png'), fullPage: true });
  console.log(`saved ${join(OUT, 'scorecard.png')}`);

  await page.goto(`${base}/lead/what-if`);
  await page.locator('fieldset.scenario').nth(1).waitFor();
  await page.getByTestId('what-if-run').click();
  await page.getByTestId('what-if-results').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(OUT, 'what-if.png'), fullPage: true });
  console.log(`saved ${join(OUT, 'what-if.png')}`);
} finally {
  await browser.close();
  if (started) {
    const exited = new Promise((r) => started.child.once('exit', r));
    started.child.kill('SIGTERM');
    await exited;
    rmSync(started.dataDir, { recursive: true, force: true });
  }
}
