/**
 * Alerts, their acknowledgements, capacity requests and the audit trail outlive a crash of the
 * durable embedded default: a product on a data directory raises a demand peak, asks a partner,
 * is acknowledged twice and answered; a second product opened on the same directory, without the
 * first being shut down (a crash: nothing flushed on the way out), shows all of it again. An
 * acknowledgement whose alert could not be saved after its audit record was (answered 200) is put
 * back from the audit trail on the restart.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { afterAll, expect, it } from 'vitest';
import type { Alert, CapacityRequest } from '../contracts/alerts.js';
import { parseConfig } from '../contracts/config.js';
import { createProduct, type Product } from '../server/product.js';
import { startFakePartner } from './support/fake-partner.js';
import { tempDataDir } from './support/process.js';

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const MIN = 60_000;
const SECRET = 'whsec_c2VjcmV0LW9mLW5vcnRoLWJwby0xMjM0NQ==';
const at = (ms: number) => new Date(ms).toISOString();

const partner = await startFakePartner(SECRET);
const config = parseConfig({
  queues: [{ id: 'registration', name: 'Patient registration', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 }],
  teams: [
    { id: 'inhouse', name: 'Patient access', kind: 'inhouse', queues: ['registration'] },
    { id: 'north', name: 'North BPO', kind: 'partner', queues: ['registration'], capacity: { webhook_url: partner.url, secret_env: 'NORTH_SECRET', respond_within_seconds: 600, max_agents: 20 } },
  ],
});
const products: Product[] = [];

/** The snapshot without what the alerting adds at its next evaluation (agents needed, time to breach). */
const storeFigures = (snapshot: { queues: Record<string, unknown>[] }) => ({
  ...snapshot,
  queues: snapshot.queues.map(({ agents_needed: _n, time_to_breach_minutes: _t, ...q }) => q),
});
afterAll(async () => {
  for (const p of products) await p.stop();
  await partner.close();
});

async function open(dataDir: string, clock: () => number) {
  const product = await createProduct({ config, logger: pino({ level: 'silent' }), clock, tickMs: 3_600_000, engines: { dataDir }, env: { variable: (n) => (n === 'NORTH_SECRET' ? SECRET : undefined) }, alerting: { delivery: { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000 } } });
  products.push(product);
  return { product, url: await product.listen(0, '127.0.0.1') };
}

it('keeps alerts, acknowledgements, capacity requests and the audit trail across a crash', async () => {
  const dataDir = tempDataDir();
  let now = T0;
  const first = await open(dataDir, () => now);
  // Two quiet hours with three agents, then 60 tasks in 15 minutes that nobody starts.
  const events: object[] = [{ event_id: 'st', type: 'staffing.updated', occurred_at: at(T0 - 3 * 60 * MIN), queue: 'registration', team: 'inhouse', agents: 3 }];
  for (let t = T0 - 2 * 60 * MIN; t < T0 - 15 * MIN; t += 2 * MIN) {
    events.push({ event_id: `c${t}`, type: 'task.created', occurred_at: at(t), queue: 'registration', task_id: `q${t}` });
    events.push({ event_id: `s${t}`, type: 'task.started', occurred_at: at(t + 10_000), queue: 'registration', task_id: `q${t}`, team: 'inhouse' });
    events.push({ event_id: `d${t}`, type: 'task.completed', occurred_at: at(t + 70_000), queue: 'registration', task_id: `q${t}` });
  }
  for (let i = 0; i < 60; i++) events.push({ event_id: `surge${i}`, type: 'task.created', occurred_at: at(T0 - 15 * MIN + i * 15_000), queue: 'registration', task_id: `s${i}` });
  expect((await request(first.url).post('/api/events').send(events)).body).toMatchObject({ accepted: events.length, rejected: [] });

  await first.product.alerting.evaluate();
  now += 2 * MIN;
  await first.product.alerting.evaluate();
  await first.product.alerting.desk.idle();
  const [alert] = (await request(first.url).get('/api/alerts')).body.alerts as Alert[];
  expect(alert.state).toBe('firing');
  for (const comment of ['calling North', 'moving two agents']) expect((await request(first.url).post(`/api/alerts/${alert.id}/ack`).send({ comment })).status).toBe(200);
  const [asked] = (await request(first.url).get('/api/capacity-requests')).body.requests as CapacityRequest[];
  expect(asked.state).toBe('awaiting_response');
  const answer = await request(first.url).post(`/api/capacity-requests/${asked.request_id}/response`).send({ decision: 'partial', agents_committed: 2 });
  expect(answer.status).toBe(200);
  const before = {
    metrics: storeFigures((await request(first.url).get('/api/metrics')).body),
    alerts: (await request(first.url).get('/api/alerts')).body.alerts as Alert[],
    requests: (await request(first.url).get('/api/capacity-requests')).body.requests as CapacityRequest[],
    audit: (await request(first.url).get('/api/audit')).body.records as { id: string; action: string }[],
  };
  expect(before.requests.length).toBeGreaterThanOrEqual(1);
  expect(before.audit.map((r) => r.action)).toEqual(expect.arrayContaining(['server.started', 'alert.acknowledged', 'capacity.requested', 'capacity.answered']));

  // The crash: the first product is never stopped; a second one opens the same directory.
  const second = await open(dataDir, () => now);
  expect(storeFigures((await request(second.url).get('/api/metrics')).body)).toEqual(before.metrics);
  const alerts = (await request(second.url).get('/api/alerts')).body.alerts as Alert[];
  expect(alerts).toEqual(before.alerts);
  expect(alerts[0].acknowledgements.map((a) => a.comment)).toEqual(['calling North', 'moving two agents']);
  expect((await request(second.url).get('/api/capacity-requests')).body.requests).toEqual(before.requests);
  const audit = (await request(second.url).get('/api/audit')).body.records as { id: string; action: string }[];
  const known = new Set(before.audit.map((r) => r.id));
  expect(audit.filter((r) => known.has(r.id))).toEqual(before.audit);
  expect(audit.filter((r) => !known.has(r.id)).map((r) => r.action)).toEqual(['server.started']); // the second start-up
  expect((await request(second.url).post('/api/events').send(events)).body).toMatchObject({ accepted: 0, duplicates: events.length });
  // The alert goes on where it stood: still firing, no second request while the first round is open.
  await second.product.alerting.evaluate();
  const again = (await request(second.url).get('/api/alerts')).body.alerts as Alert[];
  expect(again.map((a) => [a.id, a.state])).toEqual([[alert.id, 'firing']]);
});

it('puts back from the audit trail an acknowledgement whose alert the data directory refused to save', async () => {
  const dataDir = tempDataDir();
  let now = T0;
  const first = await open(dataDir, () => now);
  const events: object[] = [{ event_id: 'st', type: 'staffing.updated', occurred_at: at(T0 - 3 * 60 * MIN), queue: 'registration', team: 'inhouse', agents: 3 }];
  for (let i = 0; i < 60; i++) events.push({ event_id: `surge${i}`, type: 'task.created', occurred_at: at(T0 - 15 * MIN + i * 15_000), queue: 'registration', task_id: `s${i}` });
  expect((await request(first.url).post('/api/events').send(events)).body).toMatchObject({ accepted: events.length });
  await first.product.alerting.evaluate();
  now += 2 * MIN;
  await first.product.alerting.evaluate();
  const [alert] = (await request(first.url).get('/api/alerts')).body.alerts as Alert[];
  expect(alert.state).toBe('firing');
  expect((await request(first.url).post(`/api/alerts/${alert.id}/ack`).send({ comment: 'calling North' })).status).toBe(200);

  // The alerts table now refuses every write (SQLite itself, through a trigger), the audit trail does not.
  const side = new Database(join(dataDir, 'ops.sqlite'));
  side.exec(`CREATE TRIGGER refuse_insert BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'disk says no'); END;
             CREATE TRIGGER refuse_update BEFORE UPDATE ON alerts BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`);
  now += MIN;
  expect((await request(first.url).post(`/api/alerts/${alert.id}/ack`).send({ comment: 'moving two agents' })).status).toBe(200);
  const stored = JSON.parse((side.prepare('SELECT alert FROM alerts WHERE id = ?').get(alert.id) as { alert: string }).alert) as { alert: Alert };
  expect(stored.alert.acknowledgements.map((a) => a.comment)).toEqual(['calling North']);
  side.exec('DROP TRIGGER refuse_insert; DROP TRIGGER refuse_update;');
  side.close();

  // The crash, then a restart on the same directory: both acknowledgements, in order, stored again.
  const second = await open(dataDir, () => now);
  const [restored] = (await request(second.url).get('/api/alerts')).body.alerts as Alert[];
  expect(restored.acknowledgements.map((a) => [a.by, a.comment])).toEqual([
    ['open-access', 'calling North'],
    ['open-access', 'moving two agents'],
  ]);
  expect(restored.acknowledged).toEqual(restored.acknowledgements[1]);
  const third = await open(dataDir, () => now);
  expect(((await request(third.url).get('/api/alerts')).body.alerts as Alert[])[0].acknowledgements).toEqual(restored.acknowledgements);
});
