/**
 * `npm run screenshots`: every picture the README shows, from a fixed seed and clock.
 *
 * - docs/wall.png and docs/lead-queue.png: the product as `npm start` runs it, the simulator on
 *   seed SIM_SEED (default 7) backfilling 8 hours, the clock started at SHOTS_CALM_AT (default
 *   2026-11-26T14:05:00Z, a Thursday afternoon outside the morning surge);
 * - docs/wall-alert.png: as `npm run demo:surge`, the clock at SHOTS_SURGE_AT (default
 *   2026-11-26T09:05:00Z), alerts evaluated every second and firing at once, pictured once a
 *   demand peak fires and its capacity request is out;
 * - docs/images/scorecard.png and docs/images/what-if.png: scripts/screenshots-decision.ts, run
 *   with the same seed and the surge clock (CLOCK_AT).
 *
 * Each product runs on a free port with a temporary data directory and is stopped afterwards.
 * The clock starts at the fixed instant and then runs, so the pictures are alike from run to run,
 * not identical to the pixel. Uses Debian's Chromium (/usr/bin/chromium). SHOTS_OUT writes the
 * pictures under another directory (a test's, in the same docs/ layout) instead of the repository.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = process.env.SIM_SEED ?? '7';
const CALM_AT = process.env.SHOTS_CALM_AT ?? '2026-11-26T14:05:00Z';
const SURGE_AT = process.env.SHOTS_SURGE_AT ?? '2026-11-26T09:05:00Z';
const OUT_ROOT = process.env.SHOTS_OUT ?? ROOT;
const WALL = { width: 1920, height: 1080 };
const LAPTOP = { width: 1440, height: 900 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` once a second until it holds or `seconds` pass. */
async function waitFor(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    if (await check().catch(() => false)) return;
    await sleep(1000);
  }
  throw new Error(`gave up waiting for ${what} after ${seconds} s`);
}

interface Running {
  url: string;
  stop(): Promise<void>;
}

/** Starts scripts/demo-surge.ts (the product on a clock started at `at`) with a fresh data directory. */
async function startProduct(at: string, extraEnv: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'occ-shots-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo-surge.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SIMULATOR: 'on', SIM_SEED: SEED, BACKFILL_HOURS: '8', CLOCK_AT: at, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the server', 90, async () => (await fetch(`${url}/readyz`)).ok);
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the backfill shows: every queue has started tasks in the window. */
async function waitForData(url: string): Promise<void> {
  await waitFor('the backfill', 120, async () => {
    const snap = (await (await fetch(`${url}/api/metrics`)).json()) as { queues: { started: number }[] };
    return snap.queues.length > 0 && snap.queues.every((q) => q.started > 0);
  });
}

async function shoot(browser: Browser, url: string, out: string, viewport: { width: number; height: number }, ready: string): Promise<void> {
  const page = await browser.newPage({ viewport });
  try {
    await page.goto(url);
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
    // A few ticks, so the sparklines and the data age have settled.
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(OUT_ROOT, out) });
    console.log(`saved ${out}`);
  } finally {
    await page.close();
  }
}

/** Runs scripts/screenshots-decision.ts on the surge clock and the same seed. */
function decisionPictures(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/screenshots-decision.ts'], {
      cwd: ROOT,
      env: { ...process.env, SIM_SEED: SEED, CLOCK_AT: SURGE_AT },
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`screenshots-decision exited ${code}`))));
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const calm = await startProduct(CALM_AT);
  try {
    await waitForData(calm.url);
    await shoot(browser, `${calm.url}/wall`, 'docs/wall.png', WALL, '[data-queue]');
    await shoot(browser, `${calm.url}/lead/queues/insurance?range=8h`, 'docs/lead-queue.png', LAPTOP, '[data-testid="chart-arrivals"] .line-forecast path.recharts-line-curve');
  } finally {
    await calm.stop();
  }

  const surge = await startProduct(SURGE_AT, { ALERT_EVALUATE_MS: '1000', ALERT_HOLD_MS: '0' });
  try {
    await waitForData(surge.url);
    await waitFor('a firing demand peak with its capacity request', 300, async () => {
      const alerts = (await (await fetch(`${surge.url}/api/alerts`)).json()) as { alerts: { state: string; capacity_request_ids: string[] }[] };
      return alerts.alerts.some((a) => a.state === 'firing' && a.capacity_request_ids.length > 0);
    });
    await shoot(browser, `${surge.url}/wall`, 'docs/wall-alert.png', WALL, '[data-testid="alert-banner"]');
  } finally {
    await surge.stop();
  }
} finally {
  await browser.close();
}
await decisionPictures();
