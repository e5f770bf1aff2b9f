/**
 * `npm run soak -- --minutes 30`: the durable embedded default with the simulator, on a product
 * clock running `--speed` times faster than real time (default 240: 30 minutes are 5 days), with
 * `--retention-days` (default 1) so that retention cycles pass within the run (the engine keeps
 * closed tasks a day longer than retention, so memory levels off from the third simulated day). Prints every real
 * minute: resident memory, JS heap, open file descriptors, data directory size, events appended and
 * the backlog. Memory, descriptors and disk should be flat once the first retention cycle passed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { acceleratedClock } from '../contracts/clock.js';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { createProduct } from '../server/product.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    speed: { type: 'string', default: '240' },
    'retention-days': { type: 'string', default: '1' },
    'every-seconds': { type: 'string', default: '60' },
  },
});
const minutes = Number(values.minutes);
const speed = Number(values.speed);
const retentionDays = Number(values['retention-days']);
const everyMs = Number(values['every-seconds']) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'occ-soak-'));
const start = Date.parse('2026-11-23T00:00:00.000Z'); // a Monday, midnight
const clock = acceleratedClock(start, speed);
const product = await createProduct({
  config: loadConfig(DEFAULT_CONFIG_PATH),
  logger: pino({ level: 'error' }),
  clock,
  engines: { dataDir: dir },
  retentionDays,
  simulator: { backfillHours: 8, seed: 7 },
});
await product.listen(0, '127.0.0.1');
product.start();

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const t0 = Date.now();
console.log(`soak: ${minutes} min at ${speed}x (${((minutes * speed) / 60).toFixed(1)} simulated hours), retention ${retentionDays} day(s), data in ${dir}`);
console.log('real min | simulated            | RSS MB | heap MB | fds | disk MB | events appended | backlog');
async function sample(): Promise<void> {
  global.gc?.();
  const ends = await product.log.endOffsets(EVENTS_TOPIC);
  const stored = [...ends.values()].reduce((a, b) => a + b, 0);
  const snapshot = await product.store.snapshot(clock());
  const mem = process.memoryUsage();
  const fds = readdirSync('/proc/self/fd').length;
  const row = [
    ((Date.now() - t0) / 60_000).toFixed(1).padStart(8),
    new Date(clock()).toISOString().slice(0, 19).padEnd(20),
    mb(mem.rss).padStart(6),
    mb(mem.heapUsed).padStart(7),
    String(fds).padStart(3),
    mb(product.durable!.dataDir.sizeBytes()).padStart(7),
    stored.toLocaleString('en').padStart(15),
    String(snapshot.totals.backlog).padStart(7),
  ];
  console.log(row.join(' | '));
}
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    void sample().then(() => {
      if (Date.now() - t0 >= minutes * 60_000) {
        clearInterval(timer);
        resolve();
      }
    });
  }, everyMs);
});
await product.stop();
rmSync(dir, { recursive: true, force: true });
