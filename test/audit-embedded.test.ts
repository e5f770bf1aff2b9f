/**
 * The audit trail end to end on the embedded product (SPEC section 10): the start-up with its
 * config digest, acknowledgements (a second adds a record), a capacity round's requests, answers,
 * escalations, give-ups and expiries with their actors, bursts of failed authentication, and
 * `GET /api/audit` (admin only; filters, limit, NDJSON). Time: the product's clock is a variable
 * the test moves; evaluations are called, not waited for.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert, CapacityRequest } from '../contracts/alerts.js';
import { auditRecordSchema, type AuditRecord } from '../contracts/audit.js';
import { randomIds } from '../contracts/clock.js';
import { parseConfig } from '../contracts/config.js';
import { sha256Hex } from '../server/access.js';
import { recordAuthBurst } from '../server/audit/audit-records.js';
import { createProduct } from '../server/product.js';
import { startFakePartner } from './support/fake-partner.js';

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const MIN = 60_000;
const TOKENS = { viewer: 'au-viewer', lead: 'au-lead', lead2: 'au-lead-2', admin: 'au-admin', ingest: 'au-ingest', north: 'au-north', south: 'au-south' };
const SECRETS: Record<string, string> = { NORTH_SECRET: 'whsec_bm9ydGgtYXVkaXQtc2VjcmV0LTEyMzQ1Ng==', SOUTH_SECRET: 'whsec_c291dGgtYXVkaXQtc2VjcmV0LTY1NDMyMQ==' };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

function configFile(northUrl: string, southUrl: string) {
  const partner = (id: string, url: string, secret: string) => ({
    id,
    name: `${id} BPO`,
    kind: 'partner',
    queues: ['registration'],
    capacity: { webhook_url: url, secret_env: secret, respond_within_seconds: 600, max_agents: 20 },
  });
  return {
    queues: [{ id: 'registration', name: 'Patient registration', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 }],
    teams: [{ id: 'inhouse', name: 'Patient access', kind: 'inhouse', queues: ['registration'] }, partner('north', northUrl, 'NORTH_SECRET'), partner('south', southUrl, 'SOUTH_SECRET')],
    access: [
      { name: 'wall', role: 'viewer', token_sha256: sha256Hex(TOKENS.viewer) },
      { name: 'lead-anna', role: 'lead', token_sha256: sha256Hex(TOKENS.lead) },
      { name: 'lead-ben', role: 'lead', token_sha256: sha256Hex(TOKENS.lead2) },
      { name: 'auditor', role: 'admin', token_sha256: sha256Hex(TOKENS.admin) },
      { name: 'upstream', role: 'ingest', token_sha256: sha256Hex(TOKENS.ingest) },
      { name: 'north-integration', role: 'partner', team: 'north', token_sha256: sha256Hex(TOKENS.north) },
      { name: 'south-integration', role: 'partner', team: 'south', token_sha256: sha256Hex(TOKENS.south) },
    ],
  };
}

/** An independent canonical form: JSON.stringify with every object's keys sorted. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

async function product(northStatus?: (n: number) => number) {
  const north = await startFakePartner(SECRETS.NORTH_SECRET, northStatus);
  const south = await startFakePartner(SECRETS.SOUTH_SECRET);
  const file = configFile(north.url, south.url);
  let now = T0;
  let drawn = 0;
  const clock = () => now;
  const p = await createProduct({
    config: parseConfig(file),
    logger: pino({ level: 'silent' }),
    clock,
    tickMs: 3_600_000,
    env: { variable: (name) => SECRETS[name] },
    alerting: { delivery: { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000 } },
    // Ids in the order they are drawn: records of the same instant then list in the order they were made.
    ids: () => `id-${String(++drawn).padStart(6, '0')}`,
  });
  const url = await p.listen(0, '127.0.0.1');

  let seq = 0;
  const at = (ms: number) => new Date(ms).toISOString();
  const ingest = async (events: object[]) => expect((await request(url).post('/api/events').set(auth(TOKENS.ingest)).send(events)).status).toBe(202);
  const created = (ms: number, id: string) => ({ event_id: `e${seq++}`, type: 'task.created', occurred_at: at(ms), queue: 'registration', task_id: id });
  const done = (ms: number, id: string) => [
    { event_id: `e${seq++}`, type: 'task.started', occurred_at: at(ms + 10_000), queue: 'registration', task_id: id, team: 'inhouse' },
    { event_id: `e${seq++}`, type: 'task.completed', occurred_at: at(ms + 70_000), queue: 'registration', task_id: id, team: 'inhouse' },
  ];
  const evaluate = async () => {
    await p.alerting.evaluate();
    await p.alerting.desk.idle();
  };
  const alerts = async () => (await request(url).get('/api/alerts').set(auth(TOKENS.viewer))).body.alerts as Alert[];
  const requests = async () => (await request(url).get('/api/capacity-requests').set(auth(TOKENS.viewer))).body.requests as CapacityRequest[];
  /** Two quiet hours, then 60 tasks in 15 minutes that nobody starts; 2 minutes on, the alert fires. */
  const fire = async () => {
    const quiet: object[] = [{ event_id: `e${seq++}`, type: 'staffing.updated', occurred_at: at(T0 - 3 * 60 * MIN), queue: 'registration', team: 'inhouse', agents: 3 }];
    for (let t = T0 - 2 * 60 * MIN; t < T0 - 15 * MIN; t += 2 * MIN) quiet.push(created(t, `q${t}`), ...done(t, `q${t}`));
    await ingest(quiet);
    await ingest(Array.from({ length: 60 }, (_, i) => created(T0 - 15 * MIN + i * 15_000, `s${i}`)));
    await evaluate();
    now += 2 * MIN;
    await evaluate();
    const [alert] = await alerts();
    expect(alert.state).toBe('firing');
    return alert;
  };
  /** `GET /api/audit` as the admin (or `token`), JSON. */
  const audit = async (query = '', token = TOKENS.admin) => {
    const res = await request(url).get(`/api/audit${query}`).set(auth(token));
    expect(res.status).toBe(200);
    return res.body.records as AuditRecord[];
  };
  const respond = (id: string, token: string, body: object) => request(url).post(`/api/capacity-requests/${encodeURIComponent(id)}/response`).set(auth(token)).send(body);
  const ack = (id: string, token: string, comment?: string) => request(url).post(`/api/alerts/${encodeURIComponent(id)}/ack`).set(auth(token)).send(comment ? { comment } : {});

  return {
    p, url, file, north, south, evaluate, alerts, requests, fire, audit, respond, ack,
    advance: (ms: number) => (now += ms),
    now: () => now,
    async close() {
      await p.stop();
      await north.close();
      await south.close();
    },
  };
}

describe('the audit trail on the embedded product', () => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const r of running.splice(0)) await r.close();
  });
  const start = async (northStatus?: (n: number) => number) => {
    const r = await product(northStatus);
    running.push(r);
    return r;
  };

  it('records the start-up with the config digest, the engines and the version', async () => {
    const r = await start();
    const [started, ...more] = await r.audit('?action=server.started');
    expect(more).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    // The validated config (defaults filled in) as canonical JSON.
    const { queueIndex: _q, teamIndex: _t, ...validated } = r.p.config;
    expect(started).toEqual({
      id: expect.any(String),
      at: new Date(T0).toISOString(),
      actor: 'system',
      role: 'system',
      action: 'server.started',
      target: 'server',
      details: { config_sha256: createHash('sha256').update(sortedJson(validated)).digest('hex'), engines: { log: 'embedded', store: 'embedded' }, version: pkg.version },
    });
    expect(validated).toMatchObject(r.file);
  });

  it('an acknowledgement answers once recorded; a second adds a record and keeps the first; a refused record changes nothing', async () => {
    const r = await start();
    const alert = await r.fire();
    const first = await r.ack(alert.id, TOKENS.lead, 'Calling North');
    expect(first.status).toBe(200);
    // Stored before the answer: the log holds it the moment the call has answered.
    expect((await r.p.auditLog.query({ action: 'alert.acknowledged', limit: 10 })).map((a) => a.actor)).toEqual(['lead-anna']);
    r.advance(MIN);
    const second = await r.ack(alert.id, TOKENS.lead2);
    expect(second.status).toBe(200);
    const anna = { by: 'lead-anna', at: new Date(T0 + 2 * MIN).toISOString(), comment: 'Calling North' };
    const ben = { by: 'lead-ben', at: new Date(T0 + 3 * MIN).toISOString(), comment: null };
    expect(second.body).toMatchObject({ acknowledged: ben, acknowledgements: [anna, ben] });
    expect((await r.alerts())[0]).toMatchObject({ acknowledged: ben, acknowledgements: [anna, ben] });

    const acks = await r.audit('?action=alert.acknowledged');
    expect(acks.map(({ at, actor, role, target, details }) => ({ at, actor, role, target, details }))).toEqual([
      { at: ben.at, actor: 'lead-ben', role: 'lead', target: alert.id, details: { queue: 'registration', comment: null, state: 'firing' } },
      { at: anna.at, actor: 'lead-anna', role: 'lead', target: alert.id, details: { queue: 'registration', comment: 'Calling North', state: 'firing' } },
    ]);

    // The audit log refuses: 503, and the alert is left as it was.
    vi.spyOn(r.p.auditLog, 'append').mockRejectedValueOnce(new Error('disk full'));
    const refused = await r.ack(alert.id, TOKENS.lead, 'again');
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/could not be stored; send it again/);
    expect((await r.alerts())[0].acknowledgements).toEqual([anna, ben]);
    expect(await r.audit('?action=alert.acknowledged')).toHaveLength(2);
  });

  it('a capacity round: requested, declined by the partner, escalated, accepted; each with its actor', async () => {
    const r = await start();
    const alert = await r.fire();
    const [toNorth] = await r.requests();
    expect((await r.respond(toNorth.request_id, TOKENS.north, { decision: 'declined' })).status).toBe(200);
    await r.p.alerting.desk.idle();
    const [toSouth] = await r.requests();
    r.advance(MIN);
    expect((await r.respond(toSouth.request_id, TOKENS.south, { decision: 'accepted' })).status).toBe(200);

    const trail = (await r.audit()).filter((a) => a.action.startsWith('capacity.')).reverse();
    const base = { queue: 'registration', alert_id: alert.id };
    expect(trail.map(({ actor, role, action, target, details }) => ({ actor, role, action, target, details }))).toEqual([
      { actor: 'system', role: 'system', action: 'capacity.requested', target: toNorth.request_id, details: { ...base, partner: 'north', agents_requested: toNorth.agents_requested, respond_by: toNorth.respond_by, escalated_from: null } },
      { actor: 'north-integration', role: 'partner', action: 'capacity.answered', target: toNorth.request_id, details: { ...base, partner: 'north', decision: 'declined', agents_requested: toNorth.agents_requested, agents_committed: 0 } },
      { actor: 'system', role: 'system', action: 'capacity.escalated', target: toNorth.request_id, details: { ...base, partner: 'north', state: 'declined', escalated_to: toSouth.request_id } },
      { actor: 'system', role: 'system', action: 'capacity.requested', target: toSouth.request_id, details: { ...base, partner: 'south', agents_requested: toSouth.agents_requested, respond_by: toSouth.respond_by, escalated_from: toNorth.request_id } },
      { actor: 'south-integration', role: 'partner', action: 'capacity.answered', target: toSouth.request_id, details: { ...base, partner: 'south', decision: 'accepted', agents_requested: toSouth.agents_requested, agents_committed: toSouth.agents_requested } },
    ]);
    expect(trail.at(-1)!.at).toBe(new Date(r.now()).toISOString());
    // The same answer twice changes nothing, and records nothing.
    expect((await r.respond(toSouth.request_id, TOKENS.south, { decision: 'accepted' })).status).toBe(200);
    expect(await r.audit('?action=capacity.answered')).toHaveLength(2);
  });

  it('a delivery give-up and an expiry are recorded by the system', async () => {
    // North refuses the webhook (a 4xx): undeliverable, then south is asked and never answers.
    const r = await start(() => 410);
    await r.fire();
    const [toSouth, toNorth] = await r.requests();
    expect(toNorth).toMatchObject({ state: 'undeliverable', escalated_to: toSouth.request_id });
    r.advance(10 * MIN);
    await r.evaluate();
    const [given] = await r.audit('?action=capacity.undeliverable');
    expect(given).toMatchObject({ actor: 'system', role: 'system', target: toNorth.request_id, details: { partner: 'north', attempts: 1, last_error: expect.any(String) } });
    const [expired] = await r.audit('?action=capacity.expired');
    expect(expired).toMatchObject({ actor: 'system', target: toSouth.request_id, at: new Date(r.now()).toISOString(), details: { partner: 'south', respond_by: toSouth.respond_by } });
  });

  it('GET /api/audit: admins only; filters by action and time, limit, NDJSON; bad queries are named', async () => {
    const r = await start();
    const ids = randomIds;
    for (let i = 0; i < 5; i++) {
      r.advance(MIN);
      await recordAuthBurst(r.p.auditLog, r.now, ids, `203.0.113.${i}`, 20 + i, 60);
    }
    const all = await r.audit();
    expect(all.map((a) => a.action)).toEqual([...Array(5).fill('auth.failed_burst'), 'server.started']);
    for (const record of all) expect(auditRecordSchema.parse(record)).toEqual(record);
    expect(all[0]).toMatchObject({ actor: 'system', target: '203.0.113.4', details: { address: '203.0.113.4', failures: 24, window_seconds: 60 } });

    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    // from inclusive, to exclusive.
    const window = await r.audit(`?from=${iso(T0 + 2 * MIN)}&to=${iso(T0 + 4 * MIN)}`);
    expect(window.map((a) => a.target)).toEqual(['203.0.113.2', '203.0.113.1']);
    expect((await r.audit(`?action=auth.failed_burst&limit=2`)).map((a) => a.target)).toEqual(['203.0.113.4', '203.0.113.3']);
    expect((await r.audit(`?action=server.started&from=${iso(T0 + 1)}`))).toEqual([]);

    const ndjson = await request(r.url).get('/api/audit?limit=3').set(auth(TOKENS.admin)).set('Accept', 'application/x-ndjson');
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = ndjson.text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(all.slice(0, 3));

    for (const token of [TOKENS.viewer, TOKENS.lead, TOKENS.ingest, TOKENS.north]) {
      expect((await request(r.url).get('/api/audit').set(auth(token))).status).toBe(403);
    }
    expect((await request(r.url).get('/api/audit')).status).toBe(401);
    const bad = async (query: string) => {
      const res = await request(r.url).get(`/api/audit${query}`).set(auth(TOKENS.admin));
      expect(res.status).toBe(400);
      return res.body.error as string;
    };
    expect(await bad('?action=alert.deleted')).toMatch(/^action: /);
    expect(await bad('?limit=0')).toMatch(/^limit: /);
    expect(await bad('?limit=10001')).toMatch(/^limit: /);
    expect(await bad('?from=yesterday')).toMatch(/^from: /);
    expect(await bad(`?from=${iso(T0 + MIN)}&to=${iso(T0)}`)).toBe('from: from must not be after to');
    expect(await bad('?user=x')).toMatch(/unknown field\(s\) user/);
  });
});
