/**
 * Failed authentication limited per client address, HTTP and Socket.IO together, on a real server
 * on loopback with a manual timer (issue 9); and at most a few `subscribe` per socket a second.
 */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../contracts/clock.js';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../contracts/socket.js';
import { createApp, type App } from '../server/app.js';
import { AuthLimiter } from '../server/auth-limiter.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Marks every wrong token, so that the log can be searched for it. */
const WRONG = 'wrong-token-MARKER-5f3a';

function handshake(url: string, token: string, headers: Record<string, string> = {}): Promise<string> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers, auth: { token } });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.close(), resolve('connected')));
    socket.once('connect_error', (err) => (socket.close(), resolve(err.message)));
  });
}

describe('failed authentication limited per client address', () => {
  const timer = manualClock(1_000_000);
  const logLines: string[] = [];
  const bursts: [string, number][] = [];
  let app: App;
  let url: string;
  const log = new EmbeddedEventLog();
  const store = new EmbeddedMetricsStore(refConfig, () => REF_NOW);
  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    app = createApp({ config: configWithAccess(refConfig), log, store, logger, clock: () => REF_NOW, timer, onAuthBurst: (address, failures) => bursts.push([address, failures]) });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  const get = (token: string, headers: Record<string, string> = {}) => fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const burstLines = () => logLines.filter((l) => l.includes('failed authentication burst'));

  it('answers 429 with Retry-After after 20 wrong tokens in a minute, to any token and any socket from that address', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await get(`${WRONG}-${i}`)).status).toBe(401);
      timer.advance(100);
    }
    const blocked = await get(`${WRONG}-21`);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await blocked.json()).toMatchObject({ error: 'too many failed authentications from this address' });
    // The right token too: otherwise the limit would still say which guess is right.
    expect((await get(TOKENS.viewer)).status).toBe(429);
    expect(await handshake(url, TOKENS.viewer)).toMatch(/^too many failed authentications: retry in \d+ s$/);
    // A request without credentials is no guess: it is told 401 as before.
    expect((await fetch(`${url}/api/metrics`)).status).toBe(401);
  });

  it('logs one warn line per burst, naming the address and the count, never a token; the hook is called once', async () => {
    for (let i = 0; i < 5; i++) expect((await get(`${WRONG}-more-${i}`)).status).toBe(429);
    expect(burstLines()).toHaveLength(1);
    const line = JSON.parse(burstLines()[0]) as { level: number; address: string; failures: number };
    expect(line).toMatchObject({ level: 40, address: '127.0.0.1', failures: 20 });
    expect(bursts).toEqual([['127.0.0.1', 20]]);
    expect(logLines.join('\n')).not.toContain('MARKER');
    expect(logLines.join('\n')).not.toContain(TOKENS.viewer);
  });

  it('lets the address try again once the window has passed', async () => {
    timer.advance(30_000);
    const res = await get(TOKENS.viewer);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    timer.advance(30_000);
    expect((await get(TOKENS.viewer)).status).toBe(200);
    expect((await get(`${WRONG}-again`)).status).toBe(401);
    expect(await handshake(url, TOKENS.viewer)).toBe('connected');
  });

  it('counts per client address behind a loopback proxy (X-Forwarded-For), sockets and HTTP together', async () => {
    const proxied = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 10; i++) expect(await handshake(url, `${WRONG}-ws-${i}`, proxied)).toMatch(/unauthorized/);
    for (let i = 0; i < 10; i++) expect((await get(`${WRONG}-http-${i}`, proxied)).status).toBe(401);
    expect((await get(TOKENS.viewer, proxied)).status).toBe(429);
    // Another client behind the same proxy, and the proxy's own address, are not held back.
    expect((await get(TOKENS.viewer, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    expect((await get(TOKENS.viewer)).status).toBe(200);
    expect(bursts).toEqual([['127.0.0.1', 20], ['203.0.113.7', 20]]);
  });

  it('remembers a bounded number of addresses, however many fail', () => {
    const limiter = new AuthLimiter({ policy: { maxAddresses: 100 }, timer: manualClock(0), logger: { warn() {} } });
    for (let i = 0; i < 10_000; i++) limiter.failed(`198.51.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
  });
});

describe('subscribe requests per socket', () => {
  let h: Harness;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    h = await startHarness(configWithAccess(refConfig), () => REF_NOW, 3_600_000);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await h.close();
  });

  async function open(): Promise<ClientSocket> {
    const socket: ClientSocket = connect(h.url, { auth: { token: TOKENS.lead }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }
  const subscribe = (socket: ClientSocket) => new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', { view: 'wall' }, resolve));

  it('takes 5 a second and refuses the rest with an error ack; the next second takes 5 again', async () => {
    const socket = await open();
    const acks = await Promise.all(Array.from({ length: 7 }, () => subscribe(socket)));
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    expect(acks.slice(5)).toEqual([
      { ok: false, error: 'too many subscribe requests: at most 5 a second' },
      { ok: false, error: 'too many subscribe requests: at most 5 a second' },
    ]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await subscribe(socket)).toMatchObject({ ok: true });
    expect(socket.connected).toBe(true);
  });

  it('disconnects a socket that keeps flooding; the server goes on answering', async () => {
    const socket = await open();
    const acks: SubscribeAck[] = [];
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 20_000; i++) socket.emit('subscribe', { view: 'wall' }, (ack) => acks.push(ack));
    expect(await gone).toBe('io server disconnect');
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(5);
    expect(acks.length).toBeLessThanOrEqual(25);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    // Other sockets are not affected.
    expect(await subscribe(await open())).toMatchObject({ ok: true });
  });
});
