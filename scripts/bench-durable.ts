/**
 * The durable embedded default's figures (issue 9), printed by `npm run bench`, never asserted:
 *   1. HTTP ingest into a data directory: events/s with 10,000-event batches, one connection and four,
 *      the server in a process of its own (as `npm start` runs it), the load from this one;
 *   2. start-up with 1,000,000 stored events: time until live numbers (the replay into the store);
 *   3. data directory size per million events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { OpsConfig } from '../contracts/config.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { eventKey } from '../contracts/events.js';
import { openDurableEmbedded } from '../server/durable-engines.js';
import { lifecycleEvents } from './bench-events.js';
import { startBenchServer } from './bench-server.js';

const quiet = pino({ level: 'silent' });
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function ingestRate(config: OpsConfig, now: number, connections: number, events: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'occ-bench-'));
  const server = await startBenchServer({ SIMULATOR: 'off', DATA_DIR: dir, CLOCK_AT: new Date(now).toISOString() });
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
