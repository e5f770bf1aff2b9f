import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../server/access.js';
import type { CapacityChange } from '../contracts/alerts.js';
import { DomainError } from '../contracts/errors.js';
import { CapacityDesk, type EscalationPolicy } from '../server/capacity/capacity-desk.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { signWebhook } from '../server/capacity/signing.js';
import { parseConfig } from '../contracts/config.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { CAPACITY_TOPIC } from '../contracts/topics.js';
import { startFakePartner } from './support/fake-partner.js';
import { firingAlert } from './support/insurance-peak.js';

const SECRETS: Record<string, string> = {
  NORTH_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  SOUTH_SECRET: 'a plain shared secret',
};

const NOW = Date.parse('2026-11-26T09:30:00.000Z');

function configFor(northUrl: string, southUrl: string, northMax = 20) {
  return parseConfig({
    queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
    teams: [
      { id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['insurance'] },
      { id: 'north', name: 'North BPO', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: northUrl, secret_env: 'NORTH_SECRET', respond_within_seconds: 900, max_agents: northMax } },
      { id: 'south', name: 'South BPO', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: southUrl, secret_env: 'SOUTH_SECRET', respond_within_seconds: 600, max_agents: 15 } },
    ],
  });
}


const quiet = { info() {}, warn() {}, error() {} };
const north: Principal = { name: 'north', role: 'partner', team: 'north' };
const south: Principal = { name: 'south', role: 'partner', team: 'south' };

describe('capacity desk', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function setup(opts: { north?: (n: number) => number | 'hang'; south?: (n: number) => number | 'hang'; northMax?: number; stillNeeded?: EscalationPolicy } = {}) {
    const n = await startFakePartner(SECRETS.NORTH_SECRET, opts.north);
    const s = await startFakePartner(SECRETS.SOUTH_SECRET, opts.south);
    let now = NOW;
    const store = new EmbeddedCapacityStore();
    const log = new EmbeddedEventLog();
    const desk = new CapacityDesk({
      config: configFor(n.url, s.url, opts.northMax),
      store,
      log,
      secret: (name) => SECRETS[name],
      clock: () => now,
      logger: quiet,
      delivery: { baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 300, maxAttempts: 4 },
      stillNeeded: opts.stillNeeded ?? (() => true),
    });
    cleanup.push(async () => {
      await desk.close();
      await n.close();
      await s.close();
      await log.close();
    });
    // One request, one key, one partition: its changes in order.
    const published = () => [0, 1, 2, 3, 4, 5].flatMap((p) => log.read(CAPACITY_TOPIC, p, 0, 10_000)).map((r) => JSON.parse(r.value) as CapacityChange);
    return { n, s, desk, store, log, published, advance: (ms: number) => (now += ms) };
  }

  it('sends one signed request per SPEC section 6 and records every change, stored and published in order', async () => {
    const { n, desk, store, published } = await setup();
    const first = await desk.requestCapacity(firingAlert(6, NOW));
    await desk.idle();
    expect(n.deliveries).toHaveLength(1);
    const got = n.deliveries[0];
    expect(got.verified).toBe(true);
    expect(got.headers['webhook-id']).toBe(first!.request_id);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    // The signature is exactly HMAC-SHA256 of "id.timestamp.body" with the secret.
    const resigned = signWebhook(SECRETS.NORTH_SECRET, first!.request_id, new Date(Number(got.headers['webhook-timestamp']) * 1000), got.body);
    expect(got.headers['webhook-signature']).toBe(resigned['webhook-signature']);
    expect(JSON.parse(got.body)).toEqual({
      request_id: first!.request_id,
      queue: 'insurance',
      partner: 'north',
      agents_requested: 6,
      window_start: '2026-11-26T09:30:00.000Z',
      window_end: '2026-11-26T11:30:00.000Z',
      respond_by: '2026-11-26T09:45:00.000Z',
      reason: expect.objectContaining({ kind: 'demand-peak', alert_id: 'demand-peak.insurance.1', agents_needed: 34, staffed_agents: 28, committed_elsewhere: 0 }),
    });
    expect(desk.get(first!.request_id)).toMatchObject({ state: 'awaiting_response', attempts: 1 });
    // Once per alert: a second call for the same alert asks nobody.
    expect(await desk.requestCapacity(firingAlert(6, NOW))).toBeUndefined();

    const answered = await desk.respond(first!.request_id, north, { decision: 'accepted', agents_committed: 6 });
    expect(answered).toMatchObject({ state: 'accepted', agents_committed: 6, answered_at: '2026-11-26T09:30:00.000Z' });
    await desk.idle();
    expect((await store.changes(first!.request_id)).map((c) => [c.seq, c.change, c.request.state])).toEqual([
      [1, 'created', 'delivering'],
      [2, 'delivered', 'awaiting_response'],
      [3, 'accepted', 'accepted'],
    ]);
    expect(published().map((c) => c.change)).toEqual(['created', 'delivered', 'accepted']);
    expect(await store.latest(0)).toEqual([desk.get(first!.request_id)]);
  });

  it('retries a 500 with backoff and records exactly one request; a 4xx is not retried', async () => {
    const { n, s, desk } = await setup({ north: (k) => (k === 1 ? 500 : 200), south: () => 404 });
    const first = await desk.requestCapacity(firingAlert(6, NOW));
    await desk.idle();
    expect(n.deliveries).toHaveLength(2);
    expect(new Set(n.deliveries.map((r) => r.headers['webhook-id']))).toEqual(new Set([first!.request_id]));
    expect(n.deliveries.every((r) => r.verified)).toBe(true);
    expect(desk.list()).toHaveLength(1);
    expect(desk.get(first!.request_id)).toMatchObject({ state: 'awaiting_response', attempts: 2, last_error: null });

    // South answers 404: one attempt, undeliverable, and the round moves on (nobody left).
    await desk.respond(first!.request_id, north, { decision: 'declined' });
    await desk.idle();
    expect(s.deliveries).toHaveLength(1);
    const second = desk.list()[0];
    expect(second).toMatchObject({ partner: 'south', state: 'undeliverable', attempts: 1, last_error: 'the partner refused the webhook: HTTP 404' });
  });

  it('gives up on a partner that never answers the webhook, within the attempts, and escalates', async () => {
    const { n, s, desk } = await setup({ north: () => 'hang' });
    await desk.requestCapacity(firingAlert(6, NOW));
    await desk.idle();
    expect(n.deliveries).toHaveLength(4);
    const [toSouth, toNorth] = desk.list();
    expect(toNorth).toMatchObject({ state: 'undeliverable', attempts: 4, escalated_to: toSouth.request_id });
    expect(toNorth.last_error).toMatch(/no answer within 300 ms; gave up after 4 attempts/);
    expect(toSouth).toMatchObject({ partner: 'south', agents_requested: 6, escalated_from: toNorth.request_id, state: 'awaiting_response' });
    expect(s.deliveries).toHaveLength(1);
    // North answers the request it never got: the refusal says why, not "too late".
    const late = desk.respond(toNorth.request_id, north, { decision: 'accepted' });
    await expect(late).rejects.toMatchObject({ kind: 'conflict', details: { state: 'undeliverable', escalated_to: toSouth.request_id } });
    await expect(late).rejects.toThrow(/could not be delivered \(no answer within 300 ms; gave up after 4 attempts\) and is closed; what it asked for went to request/);
  });

  it('escalates a decline, the rest of a partial answer, and silence past respond_by', async () => {
    // Decline -> south is asked for all of it.
    const a = await setup();
    const r1 = await a.desk.requestCapacity(firingAlert(6, NOW));
    await a.desk.idle();
    await a.desk.respond(r1!.request_id, north, { decision: 'declined' });
    await a.desk.idle();
    expect(a.desk.list()[0]).toMatchObject({ partner: 'south', agents_requested: 6, escalated_from: r1!.request_id, reason: expect.objectContaining({ committed_elsewhere: 0 }) });
    expect(a.s.deliveries).toHaveLength(1);

    // Partial (4 of 10) -> south is asked for the other 6.
    const b = await setup();
    const r2 = await b.desk.requestCapacity(firingAlert(10, NOW));
    await b.desk.idle();
    await b.desk.respond(r2!.request_id, north, { decision: 'partial', agents_committed: 4 });
    await b.desk.idle();
    expect(b.desk.list()[0]).toMatchObject({ partner: 'south', agents_requested: 6, reason: expect.objectContaining({ committed_elsewhere: 4 }) });

    // Silence -> nothing until respond_by, then expired and south asked.
    const c = await setup();
    const r3 = await c.desk.requestCapacity(firingAlert(6, NOW));
    await c.desk.idle();
    c.advance(15 * 60_000 - 1);
    await c.desk.tick();
    expect(c.desk.list()).toHaveLength(1);
    c.advance(1);
    await c.desk.tick();
    await c.desk.idle();
    expect(c.desk.get(r3!.request_id)).toMatchObject({ state: 'expired' });
    expect(c.desk.list()[0]).toMatchObject({ partner: 'south', state: 'awaiting_response', respond_by: new Date(NOW + 15 * 60_000 + 600_000).toISOString() });
    // A late answer is refused: the request has gone to the next partner.
    await expect(c.desk.respond(r3!.request_id, north, { decision: 'accepted' })).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('asks the next partner for what max_agents left out, and stops escalating once the alert is over', async () => {
    const a = await setup({ northMax: 5 });
    const r1 = await a.desk.requestCapacity(firingAlert(12, NOW));
    expect(r1!.agents_requested).toBe(5);
    await a.desk.idle();
    await a.desk.respond(r1!.request_id, north, { decision: 'accepted' });
    await a.desk.idle();
    expect(a.desk.list()[0]).toMatchObject({ partner: 'south', agents_requested: 7 });

    const b = await setup({ stillNeeded: () => false });
    const r2 = await b.desk.requestCapacity(firingAlert(6, NOW));
    await b.desk.idle();
    await b.desk.respond(r2!.request_id, north, { decision: 'declined' });
    await b.desk.idle();
    expect(b.desk.list()).toHaveLength(1);
  });

  it('tops up a peak that keeps firing short of agents, once a round has ended, at most every 15 minutes', async () => {
    const { desk, advance } = await setup();
    const r1 = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();
    advance(20 * 60_000);
    // The first round is still open (no answer yet, and not past respond_by before the tick): no top-up.
    expect(await desk.requestCapacity(firingAlert(9, NOW))).toBeUndefined();
    await desk.respond(r1.request_id, north, { decision: 'accepted' });
    await desk.idle();
    const r2 = await desk.requestCapacity(firingAlert(9, NOW));
    expect(r2).toMatchObject({ partner: 'north', agents_requested: 9, escalated_from: null });
    await desk.idle();
    await desk.respond(r2!.request_id, north, { decision: 'accepted' });
    advance(14 * 60_000);
    expect(await desk.requestCapacity(firingAlert(3, NOW))).toBeUndefined();
    advance(60_000);
    expect(await desk.requestCapacity({ ...firingAlert(3, NOW), state: 'resolved' })).toBeUndefined();
    expect(await desk.requestCapacity(firingAlert(0, NOW))).toBeUndefined();
    expect(await desk.requestCapacity(firingAlert(3, NOW))).toMatchObject({ agents_requested: 3 });
  });

  it('checks who answers and what: own requests only, consistent numbers, idempotent repeats', async () => {
    const { desk } = await setup();
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof DomainError ? [e.kind, e.message] : [e]));
    expect(await err(desk.respond('nope', north, { decision: 'accepted' }))).toEqual(['not_found', 'no capacity request "nope"']);
    expect(await err(desk.respond(r.request_id, south, { decision: 'accepted' }))).toEqual(['forbidden', `capacity request "${r.request_id}" was not sent to you`]);
    expect(await err(desk.respond(r.request_id, north, { decision: 'maybe' }))).toEqual(['invalid', expect.stringMatching(/^decision: /)]);
    expect((await err(desk.respond(r.request_id, north, { decision: 'accepted', agents_committed: 3 })))?.[0]).toBe('invalid');
    expect((await err(desk.respond(r.request_id, north, { decision: 'partial', agents_committed: 6 })))?.[0]).toBe('invalid');
    expect((await err(desk.respond(r.request_id, north, { decision: 'partial' })))?.[0]).toBe('invalid');
    expect(await err(desk.respond(r.request_id, north, { decision: 'accepted', note: 'x' }))).toEqual(['invalid', 'body: unknown field(s) note']);
    const first = await desk.respond(r.request_id, north, { decision: 'partial', agents_committed: 2 });
    expect(await desk.respond(r.request_id, north, { decision: 'partial', agents_committed: 2 })).toEqual(first);
    const conflict = await desk.respond(r.request_id, north, { decision: 'accepted' }).catch((e: DomainError) => e);
    expect(conflict).toMatchObject({ kind: 'conflict', details: { state: 'partial', agents_committed: 2 } });
  });

  it('cuts a delivery in flight short on close, leaving the request to resume after a restart', async () => {
    const n = await startFakePartner(SECRETS.NORTH_SECRET, () => 'hang');
    cleanup.push(n.close);
    const desk = new CapacityDesk({
      config: configFor(n.url, n.url),
      store: new EmbeddedCapacityStore(),
      log: new EmbeddedEventLog(),
      secret: (name) => SECRETS[name],
      clock: () => NOW,
      logger: quiet,
      delivery: { timeoutMs: 10_000 },
      stillNeeded: () => true,
    });
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await desk.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(desk.get(r.request_id)).toMatchObject({ state: 'delivering', attempts: 1 });
  });

  it('restores rounds from the store after a restart and resumes deliveries', async () => {
    const { desk, store, n } = await setup();
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();
    const again = new CapacityDesk({
      config: configFor(n.url, n.url),
      store,
      log: new EmbeddedEventLog(),
      secret: (name) => SECRETS[name],
      clock: () => NOW,
      logger: quiet,
      stillNeeded: () => true,
    });
    await again.restore();
    expect(again.get(r.request_id)).toEqual(desk.get(r.request_id));
    await again.respond(r.request_id, north, { decision: 'declined' });
    await again.idle();
    expect(again.list()[0]).toMatchObject({ partner: 'south', escalated_from: r.request_id });
    expect((await store.changes(r.request_id)).map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    await again.close();
  });
});
