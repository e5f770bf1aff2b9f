import request from 'supertest';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';
import { KNOWN, KNOWN_REGISTRATION, KNOWN_TEAMS } from './support/known-events.js';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('HTTP API on the embedded engine', () => {
  let h: Harness;
  const config = configWithAccess(refConfig);
  beforeAll(async () => {
    h = await startHarness(config, () => REF_NOW);
  });
  afterAll(() => h.close());

  it('answers a mixed batch with exact accepted, duplicates and per-index rejections', async () => {
    const batch = [
      KNOWN[0],
      { ...KNOWN[1], patient_name: 'Jane Doe' },
      { ...KNOWN[2], queue: 'radiology' },
      KNOWN[0],
      { ...KNOWN[3], occurred_at: '2026-11-26T12:10:00Z' },
      42,
      { ...KNOWN[4], occurred_at: '26/11/2026 11:20' },
      { ...KNOWN[5], team: undefined },
      { ...KNOWN[6], type: 'task.paused' },
    ];
    const res = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).send(batch);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.duplicates).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 1, reason: 'unknown field "patient_name": events carry opaque ids only' },
      { index: 2, reason: 'queue: "radiology" is not a queue in the configuration' },
      { index: 4, reason: 'occurred_at: is more than 5 minutes in the future' },
      { index: 5, reason: 'an event must be a JSON object' },
      { index: 6, reason: 'occurred_at: must be an RFC 3339 timestamp with a zone, like 2026-11-26T09:15:02.120Z' },
      { index: 7, reason: 'team: is required' },
      { index: 8, reason: 'type: "task.paused" is not one of task.created, task.assigned, task.started, task.completed, task.cancelled, staffing.updated' },
    ]);
    // A resend of an accepted event is a duplicate, and changes nothing.
    const again = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).send([KNOWN[0]]);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('takes NDJSON, naming a broken line by its index', async () => {
    const body = [JSON.stringify(KNOWN[1]), '{"event_id": oops', ...KNOWN.slice(2).map((e) => JSON.stringify(e))].join('\n');
    const res = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).set('Content-Type', 'application/x-ndjson').send(body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: KNOWN.length - 1, duplicates: 0, rejected: [{ index: 1, reason: 'line 2 is not JSON' }] });
  });

  it('serves exactly the SPEC section 3 values for the known events', async () => {
    const res = await request(h.url).get('/api/metrics').set(auth(TOKENS.viewer));
    expect(res.status).toBe(200);
    expect(res.body.generated_at).toBe('2026-11-26T12:00:00.000Z');
    expect(res.body.window_minutes).toBe(60);
    const reg = res.body.queues.find((q: { queue: string }) => q.queue === 'registration');
    expect(reg).toMatchObject(KNOWN_REGISTRATION);
    const teams = Object.fromEntries(reg.teams.map((t: { team: string }) => [t.team, t]));
    expect(teams['inhouse-a']).toMatchObject(KNOWN_TEAMS['inhouse-a']);
    expect(teams['inhouse-b']).toMatchObject(KNOWN_TEAMS['inhouse-b']);
    expect(res.body.totals).toMatchObject({ backlog: 4, waiting: 3, in_progress: 1, breached: 1, arrivals: 6, staffed_agents: 10 });
    const insurance = res.body.queues.find((q: { queue: string }) => q.queue === 'insurance');
    expect(insurance).toMatchObject({ backlog: 0, waiting: 0, started: 0, wait_p50_seconds: null, sla_attainment: null, staffed_agents: 0 });
  });

  it('serves the per-minute history', async () => {
    const res = await request(h.url).get('/api/metrics/history?queue=registration&minutes=91').set(auth(TOKENS.viewer));
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(91);
    const byMinute = Object.fromEntries(res.body.points.map((p: { minute: string }) => [p.minute.slice(11, 16), p]));
    expect(byMinute['10:30']).toMatchObject({ arrivals: 1, backlog: 1 });
    expect(byMinute['11:35']).toMatchObject({ arrivals: 0, backlog: 2, wait_p50_seconds: 900, sla_attainment: 0 });
    expect(byMinute['11:50']).toMatchObject({ arrivals: 1, completions: 1, backlog: 3 });
    expect(byMinute['12:00']).toMatchObject({ backlog: 4 });
    const bad = await request(h.url).get('/api/metrics/history?queue=radiology').set(auth(TOKENS.viewer));
    expect(bad.status).toBe(404);
    expect(bad.body.error).toBe('unknown queue "radiology"');
    const badMinutes = await request(h.url).get('/api/metrics/history?minutes=-5').set(auth(TOKENS.viewer));
    expect(badMinutes.status).toBe(400);
    expect(badMinutes.body.error).toMatch(/^minutes:/);
  });

  it('narrows the snapshot for a lead limited to teams', async () => {
    const res = await request(h.url).get('/api/metrics').set(auth(TOKENS.leadA));
    expect(res.status).toBe(200);
    for (const q of res.body.queues) expect(q.teams.map((t: { team: string }) => t.team)).toEqual(['inhouse-a']);
  });

  it('rejects a body that is not JSON at all with 400', async () => {
    const res = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).set('Content-Type', 'application/json').send('this is not json');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not JSON/);
    const broken = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).set('Content-Type', 'application/json').send('[{"event_id":');
    expect(broken.status).toBe(400);
  });

  it('refuses more than 10,000 events in one request', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ ...KNOWN[0], event_id: `m${i}` }));
    const res = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).send(many);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('at most 10000 events per request, got 10001');
  });

  it('answers 401 without a valid token and 403 without the role', async () => {
    expect((await request(h.url).get('/api/metrics')).status).toBe(401);
    expect((await request(h.url).get('/api/metrics').set(auth('not-a-token'))).status).toBe(401);
    const viewerPosting = await request(h.url).post('/api/events').set(auth(TOKENS.viewer)).send([]);
    expect(viewerPosting.status).toBe(403);
    expect(viewerPosting.body.error).toBe('this call needs the ingest role');
    expect((await request(h.url).get('/api/metrics').set(auth(TOKENS.ingest))).status).toBe(403);
    expect((await request(h.url).get('/api/metrics').set(auth(TOKENS.partner))).status).toBe(403);
    expect((await request(h.url).get('/api/metrics').set(auth(TOKENS.admin))).status).toBe(200);
  });

  it('serves liveness, readiness and Prometheus metrics without a token', async () => {
    expect((await request(h.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(h.url).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', bus: { kind: 'embedded', state: 'ok' }, store: { kind: 'embedded', state: 'ok' } });
    const prom = await request(h.url).get('/metrics');
    expect(prom.text).toMatch(/occ_events_accepted_total \d+/);
    expect(prom.text).toContain('occ_events_rejected_total{source="http"} 8');
  });
});

describe('readiness with an engine down', () => {
  it('answers 503 naming which engine, with its error in the log and not in the answer (no token needed)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const h = await startHarness(refConfig, () => REF_NOW, 60_000, logger);
    try {
      await h.log.close();
      const ready = await request(h.url).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'not ready', bus: { kind: 'embedded', state: 'unavailable' }, store: { kind: 'embedded', state: 'ok' } });
      expect(ready.text).not.toContain('closed');
      expect(lines.map((l) => JSON.parse(l) as { msg: string; engine: string; err: { message: string } })).toContainEqual(
        expect.objectContaining({ msg: 'readiness: an engine did not answer', engine: 'event log', err: expect.objectContaining({ message: 'event log is closed' }) }),
      );
    } finally {
      await h.close();
    }
  });
});
