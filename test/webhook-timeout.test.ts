/**
 * Webhook attempts (server/capacity/webhook-delivery.ts): the timeout holds after a GC (own timer
 * and AbortController, nodejs/node#57867), and redirects are never followed, so signature headers
 * never reach a redirect target.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../contracts/config.js';
import { CapacityDesk } from '../server/capacity/capacity-desk.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { postSigned } from '../server/capacity/webhook-delivery.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { firingAlert } from './support/insurance-peak.js';
import { ROOT } from './support/process.js';

type Handler = (req: { headers: IncomingHttpHeaders; url: string }, res: import('node:http').ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections(); // a request left hanging would hold close() for ever
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** A server on loopback that reads each body, then answers as `handle` says (or never). */
async function serve(handle: Handler): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle({ headers: req.headers, url: req.url ?? '' }, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the timeout of a webhook attempt', () => {
  it('ends the attempt at its timeout against a partner that never answers, with a GC forced during the attempt', async () => {
    const url = await serve(() => {}); // never answers
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/support/attempt-under-gc.ts', `${url}/capacity`, '400'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, out).toBe(0);
    const { outcome, elapsedMs } = JSON.parse(out.trim().split('\n').at(-1)!) as { outcome: unknown; elapsedMs: number };
    expect(outcome).toEqual({ kind: 'transient', error: 'no answer within 400 ms' });
    expect(elapsedMs).toBeGreaterThanOrEqual(390);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('a shutdown cuts the attempt short', async () => {
    const url = await serve(() => {});
    const shutdown = new AbortController();
    setTimeout(() => shutdown.abort(), 50);
    const outcome = await postSigned({ url, secret: 's', id: 'msg_1', body: '{}', at: new Date(), timeoutMs: 60_000, fetch, signal: shutdown.signal });
    expect(outcome).toEqual({ kind: 'transient', error: 'cut short by shutdown' });
  });
});

describe('a partner that answers with a redirect', () => {
  /** A redirect target that records whether it was called, and with which headers. */
  async function target() {
    const calls: IncomingHttpHeaders[] = [];
    const url = await serve((req, res) => {
      calls.push(req.headers);
      res.writeHead(200).end();
    });
    return { url, calls };
  }

  it.each([301, 302, 303, 307, 308])('HTTP %i is refused and not followed: the target never sees the signature', async (status) => {
    const second = await target();
    let partnerCalls = 0;
    const url = await serve((_req, res) => {
      partnerCalls++;
      res.writeHead(status, { location: `${second.url}/elsewhere` }).end();
    });
    const outcome = await postSigned({ url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', id: 'msg_1', body: '{}', at: new Date(), timeoutMs: 5000, fetch });
    expect(outcome.kind).toBe('refused');
    expect(outcome.kind === 'refused' && outcome.error).toMatch(new RegExp(`redirect \\(HTTP ${status}\\)`));
    expect(partnerCalls).toBe(1);
    expect(second.calls).toHaveLength(0);
  });

  it('through the capacity desk: one attempt, logged as undeliverable, and the request goes to the next partner', async () => {
    const second = await target();
    const northUrl = await serve((_req, res) => res.writeHead(307, { location: `${second.url}/steal` }).end());
    let southCalls = 0;
    const southUrl = await serve((_req, res) => {
      southCalls++;
      res.writeHead(202).end();
    });
    const config = parseConfig({
      queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
      teams: [
        { id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['insurance'] },
        { id: 'north', name: 'North', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: `${northUrl}/capacity`, secret_env: 'NORTH', respond_within_seconds: 900, max_agents: 20 } },
        { id: 'south', name: 'South', kind: 'partner', queues: ['insurance'], capacity: { webhook_url: `${southUrl}/capacity`, secret_env: 'SOUTH', respond_within_seconds: 600, max_agents: 20 } },
      ],
    });
    const warnings: { obj: Record<string, unknown>; msg?: string }[] = [];
    const now = Date.parse('2026-11-26T09:30:00.000Z');
    const log = new EmbeddedEventLog();
    const desk = new CapacityDesk({
      config,
      store: new EmbeddedCapacityStore(),
      log,
      secret: () => 'a shared secret',
      clock: () => now,
      logger: { info() {}, error() {}, warn: (obj: Record<string, unknown>, msg?: string) => warnings.push({ obj, msg }) },
      delivery: { baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 2000, maxAttempts: 4 },
      stillNeeded: () => true,
    });
    try {
      await desk.requestCapacity(firingAlert(6, now));
      await desk.idle();
      const [toSouth, toNorth] = desk.list();
      expect(toNorth).toMatchObject({ partner: 'north', state: 'undeliverable', attempts: 1 });
      expect(toNorth.last_error).toMatch(/redirect \(HTTP 307\)/);
      expect(toSouth).toMatchObject({ partner: 'south', state: 'awaiting_response' });
      expect(southCalls).toBe(1);
      expect(second.calls).toHaveLength(0);
      expect(warnings).toContainEqual({ obj: expect.objectContaining({ partner: 'north', error: expect.stringMatching(/redirect/) }), msg: 'capacity request undeliverable' });
    } finally {
      await desk.close();
      await log.close();
    }
  });
});
