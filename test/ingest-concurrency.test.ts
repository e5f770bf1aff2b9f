/**
 * Senders racing with the same events (retries over several connections): each event is accepted
 * exactly once over all of them, on the durable embedded default as `npm start` wires it.
 */
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { createProduct } from '../server/product.js';
import { modelEvents } from './support/pipeline.js';
import { tempDataDir } from './support/process.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => NOW, engines: { dataDir: tempDataDir() } });
const url = await product.listen(0, '127.0.0.1');
afterAll(() => product.stop());

it('accepts each event once when eight senders post overlapping batches at the same time', async () => {
  const events = modelEvents(config, NOW - 2 * 3600_000, 2, 3);
  expect(events.length).toBeGreaterThan(2_000);
  // Eight senders, each with a different, overlapping slice: every event is sent by at least two.
  const slices = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? events : events.filter((_, j) => j % 8 !== i)));
  const answers = await Promise.all(
    slices.map(async (slice) => {
      const res = await fetch(`${url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slice) });
      expect(res.status).toBe(202);
      return (await res.json()) as { accepted: number; duplicates: number };
    }),
  );
  expect(answers.reduce((sum, a) => sum + a.accepted, 0)).toBe(events.length);
  expect(answers.reduce((sum, a) => sum + a.accepted + a.duplicates, 0)).toBe(slices.reduce((sum, s) => sum + s.length, 0));
});
