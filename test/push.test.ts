import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck, SubscribeRequest } from '../contracts/socket.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { REF_NOW, refConfig } from './support/random-events.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function open(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

const subscribe = (socket: ClientSocket, request: SubscribeRequest) =>
  new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', request, resolve));

const nextSnapshot = (socket: ClientSocket) =>
  new Promise<MetricsSnapshot>((resolve) => socket.once('metrics:snapshot', resolve));

describe('live push over Socket.IO', () => {
  let h: Harness;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    // A tick far in the future: the test drives ticks itself, so it can count them.
    h = await startHarness(configWithAccess(refConfig), () => REF_NOW, 3_600_000);
    await h.store.apply([{ event_id: 'p1', type: 'task.created', occurred_at: new Date(REF_NOW - 90_000).toISOString(), queue: 'insurance', task_id: 'x1' }]);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await h.close();
  });

  it('refuses a socket without a valid token', async () => {
    await expect(open(h.url, 'wrong')).rejects.toThrow(/unauthorized/);
    await expect(open(h.url, TOKENS.ingest)).rejects.toThrow(/forbidden/);
  });

  it('pushes metrics:snapshot to subscribers, computing each distinct view once per tick', async () => {
    const a = await open(h.url, TOKENS.viewer);
    const b = await open(h.url, TOKENS.viewer);
    const lead = await open(h.url, TOKENS.lead);
    sockets.push(a, b, lead);
    expect(await subscribe(a, { view: 'wall' })).toMatchObject({ ok: true });
    expect(await subscribe(b, { view: 'wall' })).toMatchObject({ ok: true });
    expect(await subscribe(lead, { view: 'lead', queues: ['insurance'] })).toMatchObject({ ok: true });

    const before = (await h.app.telemetry.viewComputations.get()).values[0]?.value ?? 0;
    const got = Promise.all([nextSnapshot(a), nextSnapshot(b), nextSnapshot(lead)]);
    await h.app.push.tick();
    const [sa, sb, sl] = await got;
    const after = (await h.app.telemetry.viewComputations.get()).values[0].value;
    expect(after - before).toBe(2); // two distinct views, three clients

    expect(sa).toEqual(sb);
    expect(sa.generated_at).toBe(new Date(REF_NOW).toISOString());
    expect(sa.queues.map((q) => q.queue)).toEqual(['registration', 'insurance']);
    expect(sl.queues.map((q) => q.queue)).toEqual(['insurance']);
    expect(sl.queues[0]).toMatchObject({ backlog: 1, waiting: 1, oldest_wait_seconds: 90 });
  });

  it('keeps a viewer out of the lead view and names unknown queues', async () => {
    const viewer = await open(h.url, TOKENS.viewer);
    sockets.push(viewer);
    expect(await subscribe(viewer, { view: 'lead' })).toEqual({ ok: false, error: 'the lead view needs the lead role' });
    expect(await subscribe(viewer, { view: 'wall', queues: ['radiology'] })).toEqual({ ok: false, error: 'unknown queue "radiology"' });
    expect(await subscribe(viewer, { view: 'kiosk' } as never)).toMatchObject({ ok: false });
  });
});
