/**
 * Web hygiene against the real server on loopback (issue 9): security headers, JSON-only bodies
 * (no cross-site "simple" POST), and in open mode only a loopback Host and a same-origin Origin,
 * for HTTP and for the Socket.IO handshake.
 */
import { request as httpRequest } from 'node:http';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { KNOWN } from './support/known-events.js';
import { REF_NOW, refConfig } from './support/random-events.js';

/** A raw HTTP request, so that Host and Origin are exactly what a browser elsewhere would send. */
function raw(url: string, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Connects a Socket.IO client with these headers on the handshake; resolves 'connected' or the error. */
function handshake(url: string, headers: Record<string, string>, token?: string): Promise<string> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers, auth: token ? { token } : {} });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.close(), resolve('connected')));
    socket.once('connect_error', (err) => (socket.close(), resolve(`refused: ${err.message}`)));
  });
}

describe('web hygiene, open mode (no access in the config)', () => {
  let h: Harness;
  let host: string;
  beforeAll(async () => {
    h = await startHarness(refConfig, () => REF_NOW);
    host = new URL(h.url).host;
  });
  afterAll(() => h.close());

  it('sends the security headers: a CSP the screens work under, never framed, nosniff, no referrer', async () => {
    for (const path of ['/wall', '/api/metrics', '/healthz']) {
      const res = await fetch(`${h.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('answers 415 to a body that is not JSON or NDJSON: the cross-site simple POST', async () => {
    const batch = JSON.stringify([KNOWN[0]]);
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await raw(h.url, '/api/events', { host, 'content-type': type }, 'POST', batch);
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.body)).toEqual({ error: 'the body must be JSON: Content-Type application/json or application/x-ndjson' });
    }
    // A body without a content type at all is refused too.
    expect((await raw(h.url, '/api/events', { host, 'content-length': String(batch.length) }, 'POST', batch)).status).toBe(415);
    expect((await raw(h.url, '/api/alerts/x/ack', { host, 'content-type': 'text/plain' }, 'POST', '{}')).status).toBe(415);
    // JSON and NDJSON (with parameters, in any case) are taken.
    for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/x-ndjson']) {
      expect((await raw(h.url, '/api/events', { host, 'content-type': type }, 'POST', batch)).status, type).toBe(202);
    }
    // A POST without a body needs no content type (acknowledging without a comment).
    expect((await raw(h.url, '/api/alerts/nope/ack', { host }, 'POST')).status).toBe(404);
  });

  it('answers only to a loopback Host, with any port: a foreign Host (DNS rebinding) gets 403', async () => {
    const port = new URL(h.url).port;
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]']) {
      expect((await raw(h.url, '/api/metrics', { host: `${name}:${port}` })).status, name).toBe(200);
    }
    expect((await raw(h.url, '/api/metrics', { host: 'localhost' })).status).toBe(200);
    for (const foreign of ['rebind.attacker.example', `rebind.attacker.example:${port}`, '127.0.0.1.nip.io', 'evil@127.0.0.1', '10.0.0.5:3000']) {
      const res = await raw(h.url, '/api/metrics', { host: foreign });
      expect(res.status, foreign).toBe(403);
      expect(JSON.parse(res.body).error).toMatch(/loopback Host/);
    }
    expect((await raw(h.url, '/wall', { host: 'rebind.attacker.example' })).status).toBe(403);
  });

  it('refuses another Origin: same origin and no Origin are served', async () => {
    expect((await raw(h.url, '/api/metrics', { host, origin: `http://${host}` })).status).toBe(200);
    expect((await raw(h.url, '/api/metrics', { host: `localhost:${new URL(h.url).port}`, origin: `http://localhost:${new URL(h.url).port}` })).status).toBe(200);
    for (const origin of ['https://attacker.example', `http://localhost:${Number(new URL(h.url).port) + 1}`, 'http://127.0.0.1', 'null', `ftp://${host}`]) {
      const res = await raw(h.url, '/api/events', { host, origin, 'content-type': 'application/json' }, 'POST', '[]');
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.body).error).toMatch(/cross-origin/);
    }
  });

  it('refuses a WebSocket from another Origin or for a foreign Host; takes its own', async () => {
    expect(await handshake(h.url, {})).toBe('connected');
    expect(await handshake(h.url, { origin: h.url })).toBe('connected');
    expect(await handshake(h.url, { origin: 'https://attacker.example' })).toMatch(/^refused/);
    expect(await handshake(h.url, { origin: 'null' })).toMatch(/^refused/);
    expect(await handshake(h.url, { host: 'rebind.attacker.example' })).toMatch(/^refused/);
  });
});

describe('web hygiene with access configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(configWithAccess(refConfig), () => REF_NOW);
  });
  afterAll(() => h.close());

  it('serves any Host (behind a proxy, tokens guard it), still with the headers and JSON-only bodies', async () => {
    const auth = { authorization: `Bearer ${TOKENS.viewer}` };
    const res = await raw(h.url, '/api/metrics', { host: 'ops.hospital.example', ...auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const ingest = { host: 'ops.hospital.example', authorization: `Bearer ${TOKENS.ingest}` };
    expect((await raw(h.url, '/api/events', { ...ingest, 'content-type': 'text/plain' }, 'POST', '[]')).status).toBe(415);
    expect((await raw(h.url, '/api/events', { ...ingest, 'content-type': 'application/json' }, 'POST', '[]')).status).toBe(202);
    expect(await handshake(h.url, { origin: 'https://ops.hospital.example' }, TOKENS.viewer)).toBe('connected');
  });
});
