/**
 * The demo's partners follow the server wherever it listens: the shipped configuration names
 * `127.0.0.1:3000` in their webhook URLs, and a product on any other port still delivers its
 * capacity requests to them (before, every request failed after 8 attempts on `PORT=4200`).
 */
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { parseConfig } from '../contracts/config.js';
import { demoPartnerUrl } from '../server/demo-partners.js';
import { createProduct } from '../server/product.js';
import { firingAlert } from './support/insurance-peak.js';

const NOW = Date.parse('2026-11-26T09:30:00.000Z');

it('moves loopback demo-partner URLs onto the server, and leaves every other URL alone', () => {
  const server = 'http://127.0.0.1:4200';
  expect(demoPartnerUrl('http://127.0.0.1:3000/demo/partners/north/capacity', server)).toBe('http://127.0.0.1:4200/demo/partners/north/capacity');
  expect(demoPartnerUrl('http://localhost:3000/demo/partners/north/capacity?x=1', server)).toBe('http://127.0.0.1:4200/demo/partners/north/capacity?x=1');
  expect(demoPartnerUrl('https://partner.example/demo/partners/north/capacity', server)).toBe('https://partner.example/demo/partners/north/capacity');
  expect(demoPartnerUrl('http://127.0.0.1:3000/capacity', server)).toBe('http://127.0.0.1:3000/capacity');
});

const product = await createProduct({
  config: parseConfig({
    queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
    teams: [
      { id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['insurance'] },
      { id: 'north', name: 'North BPO', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: 'http://127.0.0.1:3000/demo/partners/north/capacity', secret_env: 'NORTH_SECRET', respond_within_seconds: 900, max_agents: 20 } },
    ],
  }),
  logger: pino({ level: 'silent' }),
  clock: () => NOW,
  simulator: { backfillHours: 0, seed: 1 },
});
await product.listen(0, '127.0.0.1');
afterAll(() => product.stop());

it('delivers a capacity request to the demo partner of a server not on port 3000', async () => {
  const request = await product.alerting.desk.requestCapacity(firingAlert(6, NOW));
  expect(request?.partner).toBe('north');
  await product.alerting.desk.idle();
  expect(product.alerting.desk.get(request!.request_id)).toMatchObject({ state: 'awaiting_response', attempts: 1, last_error: null });
});
