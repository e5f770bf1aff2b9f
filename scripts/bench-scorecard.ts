/**
 * `npx tsx scripts/bench-scorecard.ts [-- --days 30 --seed 7 --runs 5]`: times the partner
 * scorecard (SPEC section 11) with its trend on the durable embedded store, fed the simulator's
 * default network over `days`: the events written to a data directory, the store rebuilt from
 * them as at start-up, then `partnerScorecard` over 24 h, 7 d and 30 d (the trend's reads
 * included), and one `teamStarts` over the range alone for comparison. Prints numbers, asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { eventKey } from '../contracts/events.js';
import { SCORECARD_RANGES, RANGE_MS } from '../contracts/scorecard.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { openDurableEmbedded } from '../server/durable-engines.js';
import { partnerScorecard } from '../server/scorecard/partner-scorecard.js';

const HOUR_MS = 3600_000;
const { values } = parseArgs({ options: { days: { type: 'string', default: '30' }, seed: { type: 'string', default: '7' }, runs: { type: 'string', default: '5' } } });
const days = Number(values.days);
const runs = Math.max(1, Number(values.runs));
const config = loadConfig(process.env.OPS_CONFIG ?? DEFAULT_CONFIG_PATH);
const quiet = pino({ level: 'silent' });
// A Tuesday noon UTC, so the range ends inside a working day.
const now = Date.parse('2026-11-24T12:00:00.000Z');
const startMs = now - days * 24 * HOUR_MS - 24 * HOUR_MS;

const dir = mkdtempSync(join(tmpdir(), 'occ-bench-scorecard-'));
try {
  const first = await openDurableEmbedded({ dir, retentionDays: 35, config, clock: () => now, logger: quiet });
  const model = new BackOfficeModel({ config, startMs, seed: Number(values.seed) });
  let written = 0;
  for (let t = startMs; t < now; ) {
    t = Math.min(t + 6 * HOUR_MS, now);
    const batch = model.advanceTo(t).map((e) => ({ key: eventKey(e), value: JSON.stringify(e) }));
    for (let i = 0; i < batch.length; i += 20_000) await first.log.append(EVENTS_TOPIC, batch.slice(i, i + 20_000));
    written += batch.length;
  }
  await first.log.close();
  first.close();
  const durable = await openDurableEmbedded({ dir, retentionDays: 35, config, clock: () => now, logger: quiet });
  console.log(`durable store: ${written.toLocaleString('en')} events over ${days} days (+1 day of warm-up), ${durable.replayed.toLocaleString('en')} replayed`);
  const sources = { config, store: durable.store, capacityStore: durable.capacityStore };
  const partners = config.teams.filter((t) => t.kind === 'partner');
  for (const range of SCORECARD_RANGES) {
    if (RANGE_MS[range] > days * 24 * HOUR_MS) continue;
    const times: number[] = [];
    let buckets = 0;
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const card = await partnerScorecard(sources, partners, range, now);
      if (i > 0) times.push(performance.now() - t0); // the first run warms up
      buckets = card.partners[0]?.trend.length ?? 0;
    }
    const t0 = performance.now();
    await durable.store.teamStarts(now - RANGE_MS[range], now);
    const once = performance.now() - t0;
    times.sort((a, b) => a - b);
    console.log(`scorecard ${range} (${partners.length} partners, ${buckets} trend buckets): median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${runs} runs; one teamStarts over the range alone ${once.toFixed(1)} ms`);
  }
  await durable.log.close();
  durable.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
