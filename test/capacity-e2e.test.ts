/**
 * End to end on the embedded product: events over HTTP, the alerting loop, signed webhooks to fake
 * partner servers on loopback (which verify every signature), partners answering over HTTP with
 * their own tokens, and the live push. Time: the product's clock is a variable the test moves;
 * evaluations are called, not waited for. Signature timestamps use the real clock, as partners do.
 */
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../server/access.js';
import type { Alert, CapacityRequest } from '../contracts/alerts.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/socket.js';
import { parseConfig, type OpsConfig } from '../contracts/config.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { createProduct } from '../server/product.js';
import { CAPACITY_TOPIC } from '../contracts/topics.js';
import { startFakePartner } from './support/fake-partner.js';

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const MIN = 60_000;
const TOKENS = { viewer: 'e2e-viewer-token', lead: 'e2e-lead-token', ingest: 'e2e-ingest-token', north: 'e2e-north-token', south: 'e2e-south-token' };
const SECRETS: Record<string, string> = { NORTH_WEBHOOK_SECRET: 'whsec_c2VjcmV0LW9mLW5vcnRoLWJwby0xMjM0NQ==', SOUTH_WEBHOOK_SECRET: 'whsec_c291dGgtYnBvLXNlY3JldC02Nzg5MDEyMw==' };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });


function e2eConfig(northUrl: string, southUrl: string): OpsConfig {
  return parseConfig({
    queues: [{ id: 'registration', name: 'Patient registration', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 }],
    teams: [
      { id: 'inhouse', name: 'Patient access', kind: 'inhouse', queues: ['registration'] },
      { id: 'north', name: 'North BPO', kind: 'partner', queues: ['registration'], capacity: { webhook_url: northUrl, secret_env: 'NORTH_WEBHOOK_SECRET', respond_within_seconds: 600, max_agents: 20 } },
      { id: 'south', name: 'South BPO', kind: 'partner', queues: ['registration'], capacity: { webhook_url: southUrl, secret_env: 'SOUTH_WEBHOOK_SECRET', respond_within_seconds: 600, max_agents: 20 } },
    ],
    access: [
      { name: 'wall', role: 'viewer', token_sha256: sha256Hex(TOKENS.viewer) },
      { name: 'lead-anna', role: 'lead', token_sha256: sha256Hex(TOKENS.lead) },
      { name: 'upstream', role: 'ingest', token_sha256: sha256Hex(TOKENS.ingest) },
      { name: 'north-integration', role: 'partner', team: 'north', token_sha256: sha256Hex(TOKENS.north) },
      { name: 'south-integration', role: 'partner', team: 'south', token_sha256: sha256Hex(TOKENS.south) },
    ],
  });
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function product(northStatus?: (n: number) => number) {
  const north = await startFakePartner(SECRETS.NORTH_WEBHOOK_SECRET, northStatus);
  const south = await startFakePartner(SECRETS.SOUTH_WEBHOOK_SECRET);
  const config = e2eConfig(north.url, south.url);
  let now = T0;
  const clock = () => now;
  // The product as `npm start` wires it; the test holds its clock, its partners' secrets and a quick retry schedule.
  const product = await createProduct({
    config,
    logger: pino({ level: 'silent' }),
    clock,
    tickMs: 3_600_000,
    env: { variable: (name) => SECRETS[name] },
    alerting: { delivery: { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000 } },
  });
  const { alerting, capacityStore } = product;
  const desk = alerting.desk;
  expect(product.log).toBeInstanceOf(EmbeddedEventLog);
  const log = product.log as EmbeddedEventLog;
  const url = await product.listen(0, '127.0.0.1');

  // A wall screen, to see what the push says.
  const socket: ClientSocket = connect(url, { auth: { token: TOKENS.viewer }, transports: ['websocket'], reconnection: false, forceNew: true });
  const pushed = { alerts: [] as Alert[][], capacity: [] as CapacityRequest[][] };
  socket.on('alerts:update', (a) => pushed.alerts.push(a));
  socket.on('capacity:update', (c) => pushed.capacity.push(c));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  expect(await new Promise((resolve) => socket.emit('subscribe', { view: 'wall' }, resolve))).toMatchObject({ ok: true });

  let seq = 0;
  const ingest = async (events: object[]) => {
    const res = await request(url).post('/api/events').set(auth(TOKENS.ingest)).send(events);
    expect(res.status).toBe(202);
    expect(res.body.rejected).toEqual([]);
  };
  const at = (ms: number) => new Date(ms).toISOString();
  const created = (ms: number, id: string) => ({ event_id: `e${seq++}`, type: 'task.created', occurred_at: at(ms), queue: 'registration', task_id: id });
  const lifecycle = (startMs: number, endMs: number, id: string, team = 'inhouse') => [
    { event_id: `e${seq++}`, type: 'task.started', occurred_at: at(startMs), queue: 'registration', task_id: id, team },
    { event_id: `e${seq++}`, type: 'task.completed', occurred_at: at(endMs), queue: 'registration', task_id: id, team },
  ];
  const staffing = (ms: number, team: string, agents: number) => ({ event_id: `e${seq++}`, type: 'staffing.updated', occurred_at: at(ms), queue: 'registration', team, agents });

  /** Two quiet hours (a task every 2 minutes, handled at once), then 60 tasks in 15 minutes that nobody starts. */
  const surge = async () => {
    const quiet: object[] = [staffing(T0 - 3 * 60 * MIN, 'inhouse', 3)];
    for (let t = T0 - 2 * 60 * MIN; t < T0 - 15 * MIN; t += 2 * MIN) quiet.push(created(t, `q${t}`), ...lifecycle(t + 10_000, t + 70_000, `q${t}`));
    await ingest(quiet);
    await ingest(Array.from({ length: 60 }, (_, i) => created(T0 - 15 * MIN + i * 15_000, `s${i}`)));
  };
  /** The surge's tasks get started and finished, the way agents the partner added would do it. */
  const workOff = async (fromMs: number, team: string) => {
    await ingest(Array.from({ length: 60 }, (_, i) => lifecycle(fromMs + i * 5_000, fromMs + i * 5_000 + 60_000, `s${i}`, team)).flat());
  };
  const evaluate = async () => {
    await alerting.evaluate();
    await desk.idle();
  };
  const requests = async (token = TOKENS.viewer) => (await request(url).get('/api/capacity-requests').set(auth(token))).body.requests as CapacityRequest[];
  const alerts = async () => (await request(url).get('/api/alerts').set(auth(TOKENS.viewer))).body.alerts as Alert[];
  const respond = (id: string, token: string, body: object) => request(url).post(`/api/capacity-requests/${encodeURIComponent(id)}/response`).set(auth(token)).send(body);
  /** Surge, then 2 minutes on: the alert fires and the first request goes out. */
  const fire = async () => {
    await surge();
    await evaluate();
    expect((await alerts())[0]).toMatchObject({ state: 'pending', queue: 'registration' });
    now += 2 * MIN;
    await evaluate();
    const [alert] = await alerts();
    expect(alert.state).toBe('firing');
    return alert;
  };

  return {
    url, north, south, desk, log, capacityStore, pushed, ingest, staffing, workOff, evaluate, requests, alerts, respond, fire,
    advance: (ms: number) => (now += ms),
    now: () => now,
    async close() {
      socket.close();
      await product.stop();
      await north.close();
      await south.close();
    },
  };
}

describe('demand peak to capacity, end to end', () => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.close();
  });
  const start = async (northStatus?: (n: number) => number) => {
    const p = await product(northStatus);
    running.push(p);
    return p;
  };

  it('surge -> alert -> signed request -> accept -> resolved, shown on the wall', async () => {
    const p = await start();
    const alert = await p.fire();
    // At firing (2 minutes on) the last 15 minutes hold 52 of the surge's 60 tasks.
    expect(alert.measures).toMatchObject({ staffed_agents: 3, arrivals_last_15m: 52, forecast_method: 'ewma' });
    expect(alert.measures.agents_needed).toBeGreaterThan(3);
    expect(alert.summary).toMatch(/^Patient registration: \d+ agents needed, 3 staffed/);

    // The snapshot carries the staffing figures for the wall.
    const metrics = (await request(p.url).get('/api/metrics').set(auth(TOKENS.viewer))).body;
    expect(metrics.queues[0]).toMatchObject({ agents_needed: alert.measures.agents_needed, time_to_breach_minutes: alert.measures.time_to_breach_minutes });

    // One signed request to the first partner, for the shortfall.
    expect(p.north.deliveries).toHaveLength(1);
    expect(p.north.deliveries[0].verified).toBe(true);
    expect(p.south.deliveries).toHaveLength(0);
    const [sent] = await p.requests();
    const body = JSON.parse(p.north.deliveries[0].body);
    expect(body).toEqual({
      request_id: sent.request_id,
      queue: 'registration',
      partner: 'north',
      agents_requested: alert.measures.agents_needed - 3,
      window_start: new Date(p.now()).toISOString(),
      window_end: new Date(p.now() + 120 * MIN).toISOString(),
      respond_by: new Date(p.now() + 10 * MIN).toISOString(),
      reason: expect.objectContaining({ alert_id: alert.id, agents_needed: alert.measures.agents_needed, staffed_agents: 3 }),
    });
    expect(p.north.deliveries[0].headers['webhook-id']).toBe(sent.request_id);
    expect(sent).toMatchObject({ state: 'awaiting_response', alert_id: alert.id });
    expect((await p.alerts())[0].capacity_request_ids).toEqual([sent.request_id]);

    // North accepts with its own token, and its agents come on.
    const answer = await p.respond(sent.request_id, TOKENS.north, { decision: 'accepted', agents_committed: sent.agents_requested });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ state: 'accepted', agents_committed: sent.agents_requested });
    p.advance(3 * MIN);
    await p.ingest([p.staffing(p.now(), 'north', sent.agents_requested)]);
    await p.workOff(p.now() - 2 * MIN, 'north');

    // The lead acknowledges while it fires.
    const ack = await request(p.url).post(`/api/alerts/${encodeURIComponent(alert.id)}/ack`).set(auth(TOKENS.lead)).send({ comment: 'North is sending agents' });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledged).toMatchObject({ by: 'lead-anna', comment: 'North is sending agents' });
    expect((await request(p.url).post(`/api/alerts/${encodeURIComponent(alert.id)}/ack`).set(auth(TOKENS.viewer)).send({})).status).toBe(403);

    // Minute by minute until it resolves: recovery has to hold 5 minutes.
    let resolved: Alert | undefined;
    for (let i = 0; i < 60 && !resolved; i++) {
      p.advance(MIN);
      await p.evaluate();
      resolved = (await p.alerts()).find((a) => a.id === alert.id && a.state === 'resolved');
    }
    expect(resolved).toBeDefined();
    expect(Date.parse(resolved!.resolved_at!) - Date.parse(resolved!.firing_at!)).toBeGreaterThanOrEqual(5 * MIN);
    // Accepted in full: nobody else was asked.
    expect(await p.requests()).toHaveLength(1);
    expect(p.south.deliveries).toHaveLength(0);

    // The wall heard all of it.
    expect(p.pushed.alerts.flat().map((a) => a.state)).toEqual(expect.arrayContaining(['pending', 'firing', 'resolved']));
    expect(p.pushed.alerts.at(-1)![0]).toMatchObject({ id: alert.id, state: 'resolved' });
    expect(p.pushed.capacity.at(-1)![0]).toMatchObject({ request_id: sent.request_id, state: 'accepted' });
    // Every change was stored and published to ops.capacity-requests.
    expect((await p.capacityStore.changes(sent.request_id)).map((c) => c.change)).toEqual(['created', 'delivered', 'accepted']);
    const published = [0, 1, 2, 3, 4, 5].flatMap((part) => p.log.read(CAPACITY_TOPIC, part, 0, 100)).map((r) => JSON.parse(r.value).change);
    expect(published).toEqual(['created', 'delivered', 'accepted']);
  });

  it('decline -> escalation to partner two', async () => {
    const p = await start();
    await p.fire();
    const [toNorth] = await p.requests();
    expect((await p.respond(toNorth.request_id, TOKENS.north, { decision: 'declined' })).status).toBe(200);
    await p.desk.idle();
    const [toSouth, declined] = await p.requests();
    expect(declined).toMatchObject({ request_id: toNorth.request_id, state: 'declined', agents_committed: 0, escalated_to: toSouth.request_id });
    expect(toSouth).toMatchObject({ partner: 'south', agents_requested: toNorth.agents_requested, escalated_from: toNorth.request_id, state: 'awaiting_response' });
    expect((await p.alerts())[0].capacity_request_ids).toEqual([toNorth.request_id, toSouth.request_id]);
    expect(p.south.deliveries).toHaveLength(1);
    expect(p.south.deliveries[0].verified).toBe(true);
    expect(JSON.parse(p.south.deliveries[0].body)).toMatchObject({ request_id: toSouth.request_id, partner: 'south' });
  });

  it('silence -> escalation at respond_by', async () => {
    const p = await start();
    await p.fire();
    const [toNorth] = await p.requests();
    p.advance(10 * MIN - 60_000);
    await p.evaluate();
    expect(await p.requests()).toHaveLength(1);
    p.advance(60_000); // respond_by
    await p.evaluate();
    const [toSouth, expired] = await p.requests();
    expect(expired).toMatchObject({ request_id: toNorth.request_id, state: 'expired', escalated_to: toSouth.request_id });
    expect(toSouth).toMatchObject({ partner: 'south', escalated_from: toNorth.request_id, respond_by: new Date(p.now() + 10 * MIN).toISOString() });
    expect(p.south.deliveries).toHaveLength(1);
    // Too late now.
    expect((await p.respond(toNorth.request_id, TOKENS.north, { decision: 'accepted' })).status).toBe(409);
  });

  it('a 500 then success -> exactly one request recorded', async () => {
    const p = await start((n) => (n === 1 ? 500 : 200));
    await p.fire();
    expect(p.north.deliveries).toHaveLength(2);
    expect(p.north.deliveries.every((d) => d.verified)).toBe(true);
    expect(new Set(p.north.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(p.north.deliveries[0].body).toBe(p.north.deliveries[1].body);
    const list = await p.requests();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ state: 'awaiting_response', attempts: 2 });
    expect((await p.capacityStore.latest(0)).map((r) => r.request_id)).toEqual([list[0].request_id]);
  });

  it('answers: wrong token or another partner\'s request -> 403, unknown id -> 404', async () => {
    const p = await start();
    await p.fire();
    const [toNorth] = await p.requests();
    const south = await p.respond(toNorth.request_id, TOKENS.south, { decision: 'accepted' });
    expect(south.status).toBe(403);
    expect(south.body.error).toMatch(/was not sent to you/);
    expect((await p.respond(toNorth.request_id, TOKENS.viewer, { decision: 'accepted' })).status).toBe(403);
    expect((await p.respond(toNorth.request_id, TOKENS.lead, { decision: 'accepted' })).status).toBe(403);
    // A token nobody issued is not authenticated at all.
    expect((await p.respond(toNorth.request_id, 'forged-token', { decision: 'accepted' })).status).toBe(401);
    const unknown = await p.respond('no-such-request', TOKENS.north, { decision: 'accepted' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'no capacity request "no-such-request"' });
    expect((await p.respond(toNorth.request_id, TOKENS.north, { decision: 'partial', agents_committed: 0 })).status).toBe(400);
    expect((await request(p.url).post(`/api/capacity-requests/${toNorth.request_id}/response`).set(auth(TOKENS.north)).set('content-type', 'application/json').send('{not json')).status).toBe(400);
    // Nothing of that changed the request.
    expect((await p.requests())[0]).toMatchObject({ request_id: toNorth.request_id, state: 'awaiting_response' });
  });
});
