/**
 * Privacy of errors and logs (SPEC section 9): a marker that reads like patient data is sent in
 * every field of bad events, as whole malformed bodies, in query strings, in socket subscribes and
 * as a token; neither any answer nor the captured log ever holds it, nor any token.
 */
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../contracts/socket.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const MARKER = 'Jane Doe DOB 1961-02-03 MRN 00123456';
/** Pieces of the marker that must not show either (only the whole marker is unique enough to grep for them all). */
const PIECES = [MARKER, 'Jane Doe', '1961-02-03', '00123456'];
const FIELDS = ['event_id', 'type', 'occurred_at', 'queue', 'task_id', 'team', 'priority', 'agents'];
const TYPES = ['task.created', 'task.assigned', 'task.started', 'task.completed', 'task.cancelled', 'staffing.updated'];

const logLines: string[] = [];
const answers: string[] = [];
let h: Harness;

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  h = await startHarness(configWithAccess(refConfig), () => REF_NOW, 60_000, logger);
});
afterAll(() => h.close());

async function call(path: string, init: RequestInit = {}, token = TOKENS.ingest): Promise<{ status: number; text: string }> {
  const res = await fetch(`${h.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, text };
}

const postEvents = (body: string | Uint8Array<ArrayBuffer>, type = 'application/json') => call('/api/events', { method: 'POST', body, headers: { 'Content-Type': type } });

/** A valid event of `type`, then the same with `field` set to `value`. */
function eventWith(type: string, field: string, value: unknown): Record<string, unknown> {
  const event: Record<string, unknown> = { event_id: `priv-${type}-${field}`, type, occurred_at: new Date(REF_NOW - 60_000).toISOString(), queue: 'registration' };
  if (type === 'staffing.updated') Object.assign(event, { team: 'inhouse-a', agents: 3 });
  else Object.assign(event, { task_id: 'priv-task', team: 'inhouse-a' });
  if (type === 'task.completed' || type === 'task.cancelled' || type === 'task.created') delete event.team;
  event[field] = value;
  return event;
}

it('never echoes the marker in rejected events, whatever field holds it', async () => {
  const values = [MARKER, MARKER.repeat(50), { nested: MARKER }, [MARKER], { [MARKER]: MARKER }];
  const bad: unknown[] = [];
  for (const type of TYPES) for (const field of FIELDS) for (const value of values) bad.push(eventWith(type, field, value));
  bad.push({ ...eventWith('task.created', 'queue', 'registration'), [MARKER]: MARKER }, MARKER, [MARKER], { type: { [MARKER]: 1 } });
  const res = await postEvents(JSON.stringify(bad));
  expect(res.status).toBe(202);
  const body = JSON.parse(res.text) as { rejected: { index: number; reason: string }[] };
  expect(body.rejected.length).toBeGreaterThan(bad.length / 2);
  for (const r of body.rejected) expect(r.reason.length).toBeLessThanOrEqual(200);
  // NDJSON: the same bad events one per line, and lines that are not JSON at all.
  const lines = [...bad.map((e) => JSON.stringify(e)), `{"queue": "${MARKER}"`, MARKER];
  expect((await postEvents(lines.join('\n'), 'application/x-ndjson')).status).toBe(202);
});

it('never echoes the marker from malformed bodies', async () => {
  const bodies = [MARKER, `[{"queue": "${MARKER}" `, `[{"queue": ${MARKER}}]`, `{"event_id": "x", ${MARKER}}`, `${MARKER}\n${MARKER}`, `["${MARKER}\u0001"]`];
  for (const body of bodies) {
    const res = await postEvents(body);
    expect(res.status, body).toBe(400);
  }
  const invalidUtf8 = Buffer.concat([Buffer.from(`[{"queue":"${MARKER}`), Buffer.from([0xff]), Buffer.from('"}]')]);
  expect((await postEvents(new Uint8Array(invalidUtf8))).status).toBe(400);
});

it('never echoes the marker from query strings', async () => {
  const q = encodeURIComponent(MARKER);
  const paths = [
    `/api/metrics?queues=${q}`,
    `/api/metrics?teams=${q},registration`,
    `/api/metrics?queues=${q}&queues=${q}`,
    `/api/metrics/history?queue=${q}`,
    `/api/metrics/history?minutes=${q}`,
    `/api/metrics/history?${q}=${q}`,
    `/api/metrics/history?queue=${q}&queue=${q}`,
  ];
  for (const path of paths) {
    const res = await call(path, {}, TOKENS.admin);
    expect(res.status, path).toBeGreaterThanOrEqual(400);
    expect(res.status, path).toBeLessThan(500);
  }
});

it('never echoes the marker from an unknown id in a URL path', async () => {
  const id = encodeURIComponent(MARKER);
  const json = { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } };
  const ack = await call(`/api/alerts/${id}/ack`, json, TOKENS.lead);
  expect(ack).toEqual({ status: 404, text: JSON.stringify({ error: 'no alert (id not shown)' }) });
  const answer = await call(`/api/capacity-requests/${id}/response`, { ...json, body: '{"decision":"declined"}' }, TOKENS.partner);
  expect(answer).toEqual({ status: 404, text: JSON.stringify({ error: 'no capacity request (id not shown)' }) });
  // An opaque id is named, so a caller can tell which one is unknown.
  expect((await call('/api/alerts/demand-peak.nope.1/ack', json, TOKENS.lead)).text).toBe(JSON.stringify({ error: 'no alert "demand-peak.nope.1"' }));
});

it('never echoes the marker in subscribe errors on the socket', async () => {
  const requests: unknown[] = [
    { view: MARKER },
    { view: 'wall', queues: [MARKER] },
    { view: 'wall', teams: [MARKER] },
    { view: 'lead', queues: ['registration'], teams: ['inhouse-a', MARKER] },
    { view: 'wall', [MARKER]: MARKER },
    { view: 'wall', queues: MARKER },
    MARKER,
  ];
  for (const request of requests) {
    // One socket per request: the server may limit subscribes per socket.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(h.url, { auth: { token: TOKENS.lead }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const ack = await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', request as never, resolve));
      expect(ack.ok, JSON.stringify(request)).toBe(false);
      answers.push(JSON.stringify(ack));
    } finally {
      socket.close();
    }
  }
});

it('never logs a token, a wrong one included', async () => {
  expect((await call('/api/metrics', {}, MARKER)).status).toBe(401);
  expect((await call('/api/metrics', {}, `${TOKENS.viewer}x`)).status).toBe(401);
  expect((await call('/api/metrics', {}, TOKENS.viewer)).status).toBe(200);
});

it('left the marker and the tokens out of every answer and every log line', () => {
  expect(logLines.some((line) => line.includes('ingest rejected events'))).toBe(true);
  const log = logLines.join('');
  for (const piece of PIECES) {
    expect(log, `log holds "${piece}"`).not.toContain(piece);
    for (const answer of answers) expect(answer, `an answer holds "${piece}"`).not.toContain(piece);
  }
  for (const token of Object.values(TOKENS)) expect(log).not.toContain(token);
});
