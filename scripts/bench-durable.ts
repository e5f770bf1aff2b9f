/**
 * The durable embedded default's figures (issue 9), printed by `npm run bench`, never asserted:
 *   1. HTTP ingest into a data directory: events/s with 10,000-event batches, one connection and four,
 *      the server in a process of its own (as `npm start` runs it), the load from this one;
 *   2. start-up with 1,000,000 stored events: time until live numbers (the replay into the store);
 *   3. data directory size per million events.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { OpsConfig } from '../contracts/config.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { eventKey } from '../contracts/events.js';
import { openDurableEmbedded } from '../server/durable-engines.js';
import { lifecycleEvents } from './bench-events.js';

const quiet = pino({ level: 'silent' });
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** The server as `npm start` runs it (no simulator), in a process of its own: the load comes from this one. */
async function startServer(dataDir: string, now: number): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), SIMULATOR: 'off', DATA_DIR: dataDir, CLOCK_AT: new Date(now).toISOString(), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (tries > 300) throw new Error('the server did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => new Promise((resolve) => child.once('exit', () => resolve()).kill('SIGTERM')) };
}

async function ingestRate(config: OpsConfig, now: number, connections: number, events: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'occ-bench-'));
  const server = await startServer(dir, now);
  const all = [...lifecycleEvents(config, events, now, 6 * 3600_000, connections, `h${connections}`)];
  const bodies: string[] = [];
  for (let i = 0; i < all.length; i += 10_000) bodies.push(JSON.stringify(all.slice(i, i + 10_000)));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        // NOTE: fetch keeps each sender's connection alive: `connections` senders, as many sockets.
        const res = await fetch(`${server.url}/api/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        const answer = (await res.json()) as { accepted: number };
        if (res.status !== 202 || answer.accepted !== 10_000) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(answer).slice(0, 200)}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(`durable HTTP ingest, ${connections} connection${connections > 1 ? 's' : ''}: ${fmt(all.length)} events in 10,000-event batches in ${seconds.toFixed(2)} s = ${fmt(all.length / seconds)} events/s${connections === 4 ? ' (target >= 100,000)' : ''}`);
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function startupReplay(config: OpsConfig, now: number, events: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'occ-bench-'));
  // Written straight through the event log, as ingest stores them.
  const first = await openDurableEmbedded({ dir, retentionDays: 35, config, clock: () => now, logger: quiet });
  let batch = [];
  for (const e of lifecycleEvents(config, events, now, 24 * 3600_000, 3, 'r')) {
    batch.push({ key: eventKey(e), value: JSON.stringify(e) });
    if (batch.length === 20_000) {
      await first.log.append(EVENTS_TOPIC, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await first.log.append(EVENTS_TOPIC, batch);
  await first.log.close();
  first.close();
  const t0 = performance.now();
  const second = await openDurableEmbedded({ dir, retentionDays: 35, config, clock: () => now, logger: quiet });
  const snapshot = await second.store.snapshot(now);
  const seconds = (performance.now() - t0) / 1000;
  const bytes = second.dataDir.sizeBytes();
  console.log(`start-up with ${fmt(second.replayed)} stored events: live numbers (backlog ${fmt(snapshot.totals.backlog)}) after ${seconds.toFixed(2)} s (target <= 10 s)`);
  console.log(`data directory: ${(bytes / 2 ** 20).toFixed(0)} MB for ${fmt(second.replayed)} events = ${((bytes / 2 ** 20) * (1_000_000 / second.replayed)).toFixed(0)} MB per million events`);
  await second.log.close();
  second.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Runs the three durable figures. */
export async function benchDurable(config: OpsConfig, now: number, ingestEvents = 400_000, replayEvents = 1_000_000): Promise<void> {
  await ingestRate(config, now, 1, ingestEvents);
  await ingestRate(config, now, 4, ingestEvents);
  await startupReplay(config, now, replayEvents);
}
