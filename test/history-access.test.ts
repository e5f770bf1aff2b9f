/**
 * `GET /api/metrics/history` narrowed exactly like `/api/metrics` for a lead limited to teams
 * (issue 9): without `queue=` the series combines the queues that lead sees, with a `queue=` it
 * may not see the answer is 403. Real server on loopback, the default configuration.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import type { MetricsHistory, MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { ROOT } from './support/process.js';

const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const config = configWithAccess(loadConfig(`${ROOT}/seed/default-config.json`));
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
/** lead-a is limited to the first team: inhouse-access, which serves registration and scheduling. */
const LEAD_A_QUEUES = ['registration', 'scheduling'];

const created = (i: number, queue: string, minutesAgo: number) => ({
  event_id: `e${i}`,
  type: 'task.created',
  occurred_at: new Date(NOW - minutesAgo * 60_000).toISOString(),
  queue,
  task_id: `t${i}`,
});

describe('history for a lead limited to teams', () => {
  let h: Harness;
  const history = (token: string, query = '') => request(h.url).get(`/api/metrics/history?minutes=30${query}`).set(auth(token));
  const sum = (r: { body: MetricsHistory }) => r.body.points.reduce((n, p) => n + p.arrivals, 0);

  beforeAll(async () => {
    h = await startHarness(config, () => NOW);
    // Arrivals on every queue, a different number on each: 1 on the first, 2 on the second...
    const events = config.queues.flatMap((q, qi) => Array.from({ length: qi + 1 }, (_, k) => created(qi * 10 + k, q.id, 5 + k)));
    expect((await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).send(events)).status).toBe(202);
  });
  afterAll(() => h.close());

  it('combines only the queues /api/metrics shows that lead', async () => {
    const metrics = (await request(h.url).get('/api/metrics').set(auth(TOKENS.leadA))).body as MetricsSnapshot;
    expect(metrics.queues.map((q) => q.queue)).toEqual(LEAD_A_QUEUES);
    const mine = await history(TOKENS.leadA);
    expect(mine.status).toBe(200);
    expect(mine.body.queue).toBe(LEAD_A_QUEUES.join(','));
    expect(sum(mine)).toBe(1 + 2);
    expect(mine.body.points.at(-1).backlog).toBe(metrics.totals.backlog);
    // The same series as the store gives for exactly those queues.
    expect(mine.body.points).toEqual((await h.store.history(LEAD_A_QUEUES, 30, NOW)).points);
  });

  it('answers 403 for a queue the lead does not see, 200 for one it sees', async () => {
    const other = await history(TOKENS.leadA, '&queue=insurance');
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ error: 'a queue your teams do not serve' });
    const own = await history(TOKENS.leadA, '&queue=scheduling');
    expect(own.status).toBe(200);
    expect(sum(own)).toBe(2);
    expect((await history(TOKENS.leadA, '&queue=nope')).status).toBe(404);
  });

  it('leaves everyone else as before: all queues combined, any queue', async () => {
    for (const token of [TOKENS.lead, TOKENS.viewer, TOKENS.admin]) {
      const all = await history(token);
      expect(all.body.queue).toBe('*');
      expect(sum(all)).toBe((config.queues.length * (config.queues.length + 1)) / 2);
      expect((await history(token, '&queue=insurance')).status).toBe(200);
    }
  });

  it('follows /api/metrics when the lead team starts work on a queue it is not assigned', async () => {
    const started = { event_id: 'x1', type: 'task.started', occurred_at: new Date(NOW - 60_000).toISOString(), queue: 'billing', task_id: 't40', team: 'inhouse-access' };
    expect((await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).send([started])).status).toBe(202);
    const metrics = (await request(h.url).get('/api/metrics').set(auth(TOKENS.leadA))).body as MetricsSnapshot;
    const shown = metrics.queues.map((q) => q.queue);
    expect(shown).toContain('billing');
    const mine = await history(TOKENS.leadA);
    expect(mine.body.queue).toBe(shown.join(','));
    expect((await history(TOKENS.leadA, '&queue=billing')).status).toBe(200);
  });
});
