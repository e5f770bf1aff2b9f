/**
 * `GET /api/what-if/setup`: the period to the current minute, which queues are sensitive, and the
 * presets worked out by hand from arrivals per minute; lead only; 400 naming `period`.
 */
import pino from 'pino';
import request from 'supertest';
import { createProduct } from '../server/product.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../contracts/config.js';
import { emptyValues, type MetricsHistory } from '../contracts/metrics-snapshot.js';
import { whatIfSetupSchema } from '../contracts/what-if.js';
import { whatIfSetup } from '../server/what-if/setup-route.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const NOW = Date.parse('2026-11-26T12:00:30.000Z');
const config = parseConfig({
  window_minutes: 60,
  queues: [
    { id: 'billing', name: 'Billing', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 300 },
    { id: 'notes', name: 'Clinical notes', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 300, sensitive: true },
  ],
  teams: [
    { id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['billing', 'notes'] },
    { id: 'partner', name: 'Partner', kind: 'partner', queues: ['billing'] },
  ],
});

/**
 * Billing: 4 arrivals in each of three 15-minute intervals and 12 in a fourth (one per minute
 * from 11:00, 11:15, 11:30; twelve in the minute 11:45). Notes: 2 arrivals.
 */
function history(queue: string): MetricsHistory {
  const point = (iso: string, arrivals: number) => ({ ...emptyValues(), minute: iso, arrivals, completions: 0, backlog: 0 });
  const points =
    queue === 'billing'
      ? [
          ...['11:00', '11:15', '11:30'].flatMap((hm) => [0, 1, 2, 3].map((m) => point(`2026-11-26T${hm.slice(0, 3)}${String(Number(hm.slice(3)) + m).padStart(2, '0')}:00.000Z`, 1))),
          point('2026-11-26T11:45:00.000Z', 12),
          point('2026-11-25T11:59:00.000Z', 99), // before the period: left out
        ]
      : [point('2026-11-26T10:00:00.000Z', 2)];
  return { generated_at: new Date(NOW).toISOString(), queue, minutes: 1441, points };
}

describe('the what-if setup', () => {
  it('gives the period to the current minute, the sensitive queues and the presets from the arrivals', async () => {
    const asked: number[] = [];
    const setup = await whatIfSetup(
      { config, access: undefined as never, clock: () => NOW, store: { history: async (q, minutes) => (asked.push(minutes), history(q as string)) } },
      '24h',
    );
    expect(whatIfSetupSchema.parse(setup)).toEqual(setup);
    expect(setup.from).toBe('2026-11-25T12:00:00.000Z');
    expect(setup.to).toBe('2026-11-26T12:00:00.000Z');
    expect(asked).toEqual([1441, 1441]);
    expect(setup.queues).toEqual([
      { id: 'billing', name: 'Billing', sensitive: false, arrivals: 24 },
      { id: 'notes', name: 'Clinical notes', sensitive: true, arrivals: 2 },
    ]);
    expect(setup.partners).toEqual([{ id: 'partner', name: 'Partner', queues: ['billing'] }]);
    // Interval counts 4, 4, 4, 12: the 75th percentile is 4, so 8 of 24 arrivals are the peak (0.33).
    // Volumes 24 and 2: the median is 13, so billing is the high-volume queue.
    expect(setup.presets).toEqual([
      { name: 'as today', queues: {} },
      { name: 'in-house only', queues: { billing: { agents: 'recorded', partner_share: 0 }, notes: { agents: 'recorded', partner_share: 0 } } },
      { name: 'outsource high-volume queues', queues: { billing: { agents: 'erlang', partner_share: 1 } } },
      { name: 'hybrid: sensitive in-house, peaks to partners', queues: { billing: { agents: 'erlang', partner_share: 0.33 }, notes: { agents: 'recorded', partner_share: 0 } } },
    ]);
  });

  describe('over HTTP', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(configWithAccess(refConfig), () => REF_NOW);
    });
    afterAll(() => h?.close());

    it('answers a lead, refuses a viewer and names a wrong period', async () => {
      const ok = await request(h.url).get('/api/what-if/setup?period=7d').set('Authorization', `Bearer ${TOKENS.lead}`);
      expect(ok.status).toBe(200);
      expect(whatIfSetupSchema.parse(ok.body).presets.map((p) => p.name)).toEqual([
        'as today',
        'in-house only',
        'outsource high-volume queues',
        'hybrid: sensitive in-house, peaks to partners',
      ]);
      expect((await request(h.url).get('/api/what-if/setup').set('Authorization', `Bearer ${TOKENS.viewer}`)).status).toBe(403);
      expect((await request(h.url).get('/api/what-if/setup').set('Authorization', `Bearer ${TOKENS.partner}`)).status).toBe(403);
      const bad = await request(h.url).get('/api/what-if/setup?period=30d').set('Authorization', `Bearer ${TOKENS.lead}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/period/);
    });

    it('refuses a period longer than the retention, which the what-if could not replay', async () => {
      const product = await createProduct({ config: configWithAccess(refConfig), logger: pino({ level: 'silent' }), clock: () => REF_NOW, retentionDays: 3 });
      try {
        const url = await product.listen(0, '127.0.0.1');
        const week = await request(url).get('/api/what-if/setup?period=7d').set('Authorization', `Bearer ${TOKENS.lead}`);
        expect({ status: week.status, body: week.body }).toEqual({
          status: 400,
          body: { error: 'period: longer than the retention period (3 days): POST /api/what-if could not replay it' },
        });
        expect((await request(url).get('/api/what-if/setup?period=24h').set('Authorization', `Bearer ${TOKENS.lead}`)).status).toBe(200);
      } finally {
        await product.stop();
      }
    });
  });
});
