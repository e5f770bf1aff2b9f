/**
 * Alerts on the live push and the API, per view: a wall sees every queue's alerts, a lead limited
 * to teams sees (and may acknowledge) only the queues its teams serve; snapshots carry the
 * staffing figures.
 */
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../server/access.js';
import type { Alerting } from '../server/alerts/alerting.js';
import { createProduct, type Product } from '../server/product.js';
import type { Alert } from '../contracts/alerts.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/socket.js';
import { parseConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const TOKENS = { viewer: 'push-viewer-token', lead: 'push-lead-b-token' };
const config = parseConfig({
  queues: [
    { id: 'registration', name: 'Registration', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 },
    { id: 'insurance', name: 'Insurance', sla: { target_seconds: 3600, goal: 0.8 }, handling_seconds: 600 },
  ],
  teams: [
    { id: 'inhouse-a', name: 'In-house A', kind: 'inhouse', queues: ['insurance'] },
    { id: 'inhouse-b', name: 'In-house B', kind: 'inhouse', queues: ['registration'] },
  ],
  access: [
    { name: 'wall', role: 'viewer', token_sha256: sha256Hex(TOKENS.viewer) },
    { name: 'lead-b', role: 'lead', teams: ['inhouse-b'], token_sha256: sha256Hex(TOKENS.lead) },
  ],
});

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('alerts per view', () => {
  let now = T0;
  let product: Product;
  let url: string;
  let alerting: Alerting;
  const sockets: ClientSocket[] = [];

  async function open(token: string, view: 'wall' | 'lead') {
    const socket: ClientSocket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const alerts: Alert[][] = [];
    socket.on('alerts:update', (a) => alerts.push(a));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await new Promise((resolve) => socket.emit('subscribe', { view }, resolve));
    return { socket, alerts };
  }

  beforeAll(async () => {
    product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => now, tickMs: 3_600_000 });
    alerting = product.alerting;
    url = await product.listen(0, '127.0.0.1');
    // Both queues: 3 agents, then 60 tasks in the last 15 minutes that nobody starts.
    const events: OpsEvent[] = [];
    for (const [queue, team] of [['registration', 'inhouse-b'], ['insurance', 'inhouse-a']] as const) {
      events.push({ event_id: `st-${queue}`, type: 'staffing.updated', occurred_at: new Date(T0 - 3 * 3600_000).toISOString(), queue, team, agents: 3 });
      for (let i = 0; i < 60; i++) {
        events.push({ event_id: `${queue}-${i}`, type: 'task.created', occurred_at: new Date(T0 - 15 * 60_000 + i * 15_000).toISOString(), queue, task_id: `${queue}-${i}` });
      }
    }
    await product.store.apply(events);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await product.stop();
  });

  it('pushes each view the alerts of its queues, on subscribe and on change', async () => {
    const wall = await open(TOKENS.viewer, 'wall');
    const lead = await open(TOKENS.lead, 'lead');
    expect(wall.alerts).toEqual([[]]); // the current list comes with the subscription
    await alerting.evaluate();
    now += 2 * 60_000;
    await alerting.evaluate();
    await vi.waitFor(() => {
      expect(wall.alerts.at(-1)!.map((a) => [a.queue, a.state]).sort()).toEqual([['insurance', 'firing'], ['registration', 'firing']]);
      expect(lead.alerts.at(-1)!.map((a) => [a.queue, a.state])).toEqual([['registration', 'firing']]);
    });
    // A screen that subscribes later gets the current list at once.
    const late = await open(TOKENS.lead, 'lead');
    await vi.waitFor(() => expect(late.alerts.at(-1)?.map((a) => a.queue)).toEqual(['registration']));
  });

  it('narrows GET /api/alerts and acknowledging to the lead\'s queues', async () => {
    const all = (await request(url).get('/api/alerts').set('Authorization', `Bearer ${TOKENS.viewer}`)).body.alerts as Alert[];
    expect(all).toHaveLength(2);
    const mine = (await request(url).get('/api/alerts').set('Authorization', `Bearer ${TOKENS.lead}`)).body.alerts as Alert[];
    expect(mine.map((a) => a.queue)).toEqual(['registration']);
    const insurance = all.find((a) => a.queue === 'insurance')!;
    const refused = await request(url).post(`/api/alerts/${insurance.id}/ack`).set('Authorization', `Bearer ${TOKENS.lead}`).send({ comment: 'not mine' });
    expect(refused.status).toBe(403);
    const ok = await request(url).post(`/api/alerts/${mine[0].id}/ack`).set('Authorization', `Bearer ${TOKENS.lead}`).send({ comment: 'on it' });
    expect(ok.status).toBe(200);
    expect(ok.body.acknowledged).toMatchObject({ by: 'lead-b', comment: 'on it' });
    expect((await request(url).post('/api/alerts/nope/ack').set('Authorization', `Bearer ${TOKENS.lead}`).send({})).status).toBe(404);
    const tooLong = await request(url).post(`/api/alerts/${mine[0].id}/ack`).set('Authorization', `Bearer ${TOKENS.lead}`).send({ comment: 'x'.repeat(501) });
    expect(tooLong.status).toBe(400);
  });

  it('fills agents_needed and time_to_breach_minutes into pushed and fetched snapshots', async () => {
    const wall = sockets[0];
    const snapshot = new Promise<MetricsSnapshot>((resolve) => wall.once('metrics:snapshot', resolve));
    await product.app.push.tick();
    const pushed = await snapshot;
    const fetched = (await request(url).get('/api/metrics').set('Authorization', `Bearer ${TOKENS.viewer}`)).body as MetricsSnapshot;
    for (const s of [pushed, fetched]) {
      for (const q of s.queues) {
        expect(q.agents_needed).toBeGreaterThan(3);
        expect(q).toHaveProperty('time_to_breach_minutes');
      }
    }
  });
});
