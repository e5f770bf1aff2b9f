/**
 * What the browser tests share: Debian's Chromium through playwright-core, a configuration with
 * access tokens in a temporary file, and a known event set (relative to now, since the server runs
 * on the real clock) with its values worked out by hand from SPEC section 3.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tempDataDir } from './process.js';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One headless Chromium for a test file. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export const TOKENS = {
  wall: 'wall-viewer-token-0123456789',
  lead: 'lead-all-teams-token-0123456789',
  leadB: 'lead-team-b-token-0123456789',
  ingest: 'ingest-token-0123456789',
} as const;

const sha = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Three queues: `intake` (in-house A and partner X), `billing` (in-house B and partner X, with
 * its own wall thresholds) and `coding` (in-house B only).
 */
export const BROWSER_CONFIG = {
  window_minutes: 60,
  queues: [
    { id: 'intake', name: 'Patient intake', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 300 },
    {
      id: 'billing',
      name: 'Billing',
      sla: { target_seconds: 3600, goal: 0.8 },
      handling_seconds: 600,
      thresholds: { amber_below: 0.8, red_below: 0.76 },
    },
    { id: 'coding', name: 'Medical coding', sla: { target_seconds: 1800, goal: 0.9 }, handling_seconds: 900 },
  ],
  teams: [
    { id: 'inhouse-a', name: 'Front desk A', kind: 'inhouse', queues: ['intake'] },
    { id: 'inhouse-b', name: 'Revenue team B', kind: 'inhouse', queues: ['billing', 'coding'] },
    { id: 'partner-x', name: 'Partner X', kind: 'partner', queues: ['intake', 'billing'] },
  ],
  access: [
    { name: 'wall', role: 'viewer', token_sha256: sha(TOKENS.wall) },
    { name: 'lead-all', role: 'lead', token_sha256: sha(TOKENS.lead) },
    { name: 'lead-b', role: 'lead', teams: ['inhouse-b'], token_sha256: sha(TOKENS.leadB) },
    { name: 'ingest', role: 'ingest', token_sha256: sha(TOKENS.ingest) },
  ],
};

/** Writes the browser config (or another) to a temporary file; returns its path. */
export function writeBrowserConfig(config: object = BROWSER_CONFIG): string {
  const dir = tempDataDir('occ-browser-');
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

const MIN = 60_000;

/** The known event set, `now` being the moment it is built (every time in the past hour unless said). */
export function knownEvents(now: number) {
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  let n = 0;
  const ev = (type: string, msAgo: number, queue: string, rest: Record<string, unknown> = {}) => ({
    event_id: `b${String(++n).padStart(3, '0')}`,
    type,
    occurred_at: at(msAgo),
    queue,
    ...rest,
  });
  const task = (task_id: string) => ({ task_id });
  return [
    // intake, target 600 s: waits 300 (A), 1200 (X), 120 (A)
    ev('task.created', 50 * MIN, 'intake', task('i1')),
    ev('task.started', 45 * MIN, 'intake', { ...task('i1'), team: 'inhouse-a' }),
    ev('task.completed', 40 * MIN, 'intake', task('i1')),
    ev('task.created', 40 * MIN, 'intake', task('i2')),
    ev('task.started', 20 * MIN, 'intake', { ...task('i2'), team: 'partner-x' }),
    ev('task.created', 30 * MIN, 'intake', task('i3')),
    ev('task.started', 28 * MIN, 'intake', { ...task('i3'), team: 'inhouse-a' }),
    ev('task.completed', 10 * MIN, 'intake', task('i3')),
    ev('task.created', 12 * MIN, 'intake', task('i4')), // waiting 720 s: breached
    ev('task.created', 510_000, 'intake', task('i5')), // waiting 510 s: at risk for 90 s more
    ev('task.created', 2 * MIN, 'intake', task('i6')),
    ev('staffing.updated', 90 * MIN, 'intake', { team: 'inhouse-a', agents: 4 }),
    ev('staffing.updated', 90 * MIN, 'intake', { team: 'partner-x', agents: 3 }),
    // billing, target 3600 s: waits 300 (B), 2700 (X), 60 (X), 6900 (B)
    ev('task.created', 55 * MIN, 'billing', task('b1')),
    ev('task.started', 50 * MIN, 'billing', { ...task('b1'), team: 'inhouse-b' }),
    ev('task.completed', 30 * MIN, 'billing', task('b1')),
    ev('task.created', 50 * MIN, 'billing', task('b2')),
    ev('task.started', 5 * MIN, 'billing', { ...task('b2'), team: 'partner-x' }),
    ev('task.created', 45 * MIN, 'billing', task('b3')),
    ev('task.started', 44 * MIN, 'billing', { ...task('b3'), team: 'partner-x' }),
    ev('task.completed', 35 * MIN, 'billing', task('b3')),
    ev('task.created', 40 * MIN, 'billing', task('b4')),
    ev('task.cancelled', 39 * MIN, 'billing', task('b4')),
    ev('task.created', 25 * MIN, 'billing', task('b5')),
    ev('task.created', 130 * MIN, 'billing', task('b6')), // created before the window
    ev('task.started', 15 * MIN, 'billing', { ...task('b6'), team: 'inhouse-b' }),
    ev('staffing.updated', 90 * MIN, 'billing', { team: 'inhouse-b', agents: 2 }),
    // coding, target 1800 s: one wait of 60 s
    ev('task.created', 20 * MIN, 'coding', task('c1')),
    ev('task.started', 19 * MIN, 'coding', { ...task('c1'), team: 'inhouse-b' }),
    ev('task.created', 5 * MIN, 'coding', task('c2')),
  ];
}

/** What the wall must show for the known events, as the tiles format it. */
export const KNOWN_WALL = {
  intake: {
    status: 'Breaching', // 2 of 3 within target: 66% < 80% (goal 90% - 10)
    backlog: '4', waiting: '3', breached: '1 breached', 'at-risk': '1 at risk', p50: '5m 00s', p90: '20m', sla: '66%', agents: '7 / 0',
    oldestWaitSeconds: 12 * 60,
    split: { inhouse: { share: '66%', sla: '100%', p90: '5m 00s' }, partner: { share: '33%', sla: '0%', p90: '20m' } },
  },
  billing: {
    status: 'Breaching', // 75%: amber by default lines (goal 80% - 10), red by its own red_below 76%
    backlog: '3', waiting: '1', breached: '0 breached', 'at-risk': '0 at risk', p50: '5m 00s', p90: '1h 55m', sla: '75%', agents: '2 / 0',
    oldestWaitSeconds: 25 * 60,
    split: { inhouse: { share: '50%', sla: '50%', p90: '1h 55m' }, partner: { share: '50%', sla: '100%', p90: '45m' } },
  },
  coding: {
    status: 'On target',
    backlog: '2', waiting: '1', breached: '0 breached', 'at-risk': '0 at risk', p50: '1m 00s', p90: '1m 00s', sla: '100%', agents: '0 / 0',
    oldestWaitSeconds: 5 * 60,
    split: null,
  },
} as const;

/** Posts events with the ingest token; returns the server's answer. */
export async function postEvents(url: string, events: unknown[]): Promise<{ accepted: number; duplicates: number; rejected: unknown[] }> {
  const res = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKENS.ingest}` },
    body: JSON.stringify(events),
  });
  if (res.status !== 202) throw new Error(`POST /api/events: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
}
