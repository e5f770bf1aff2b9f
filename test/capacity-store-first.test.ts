/**
 * A capacity change is stored before anyone hears of it: a partner's answer resolves only once the
 * store has it (and is refused, the request left as it was, when the store does not take it); the
 * delivery loop and the expiry wait for their changes to be stored before they go on; listeners
 * hear of a change after it was stored and published. The store is the real embedded one behind a
 * gate the test holds and releases, and a switch that takes it down.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../server/access.js';
import type { CapacityChange, CapacityRequest } from '../contracts/alerts.js';
import { parseConfig } from '../contracts/config.js';
import { DomainError } from '../contracts/errors.js';
import { CAPACITY_TOPIC } from '../contracts/topics.js';
import { CapacityDesk } from '../server/capacity/capacity-desk.js';
import { EmbeddedCapacityStore, type CapacityStore } from '../server/capacity/capacity-store.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { startFakePartner } from './support/fake-partner.js';
import { firingAlert } from './support/insurance-peak.js';

const SECRETS: Record<string, string> = { NORTH_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', SOUTH_SECRET: 'a plain shared secret' };
const NOW = Date.parse('2026-11-26T09:30:00.000Z');
const quiet = { info() {}, warn() {}, error() {} };
const north: Principal = { name: 'north', role: 'partner', team: 'north' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The embedded store behind a gate (`hold`, `release`) and a switch (`down`). */
class GatedStore implements CapacityStore {
  readonly kind = 'embedded';
  private readonly inner = new EmbeddedCapacityStore();
  /** Changes the store took, in order. */
  readonly stored: CapacityChange[] = [];
  /** Calls of `record`, taken or not. */
  tries = 0;
  down = false;
  private gate: Promise<void> = Promise.resolve();
  private open = () => {};

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  async record(change: CapacityChange): Promise<void> {
    this.tries++;
    await this.gate;
    if (this.down) throw new Error('capacity store down');
    await this.inner.record(change);
    this.stored.push(change);
  }

  latest(sinceMs: number): Promise<CapacityRequest[]> {
    return this.inner.latest(sinceMs);
  }

  changes(requestId: string): Promise<CapacityChange[]> {
    return this.inner.changes(requestId);
  }
}


describe('capacity changes are stored before anyone hears of them', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function setup(northAnswers?: (n: number) => number) {
    const n = await startFakePartner(SECRETS.NORTH_SECRET, northAnswers);
    const s = await startFakePartner(SECRETS.SOUTH_SECRET);
    let now = NOW;
    const store = new GatedStore();
    const log = new EmbeddedEventLog();
    const partner = (id: string, url: string, secret_env: string) => ({ id, name: id, kind: 'partner', queues: ['insurance'], capacity: { webhook_url: url, secret_env, respond_within_seconds: 900, max_agents: 20 } });
    const desk = new CapacityDesk({
      config: parseConfig({
        queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
        teams: [partner('north', n.url, 'NORTH_SECRET'), partner('south', s.url, 'SOUTH_SECRET')],
      }),
      store,
      log,
      secret: (name) => SECRETS[name],
      clock: () => now,
      logger: quiet,
      delivery: { baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 300, maxAttempts: 4 },
      storeRetry: { attempts: 2, backoff: { baseMs: 5, maxMs: 10 } },
      stillNeeded: () => true,
    });
    cleanup.push(async () => {
      store.release();
      await desk.close();
      await Promise.all([n.close(), s.close(), log.close()]);
    });
    const published = () => [0, 1, 2, 3, 4, 5].flatMap((p) => log.read(CAPACITY_TOPIC, p, 0, 10_000)).map((r) => (JSON.parse(r.value) as CapacityChange).change);
    return { n, s, desk, store, published, advance: (ms: number) => (now += ms) };
  }

  it("resolves a partner's answer only after the store has it; listeners hear of each change after it was stored and published", async () => {
    const { desk, store, published } = await setup();
    // What the store and the topic held when each announcement went out.
    const heard: [string | undefined, string | undefined, string][] = [];
    desk.onChange((list) => heard.push([store.stored.at(-1)?.change, published().at(-1), list[0].state]));
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();

    store.hold();
    let storedWhenAnswered: string[] | undefined;
    const answer = desk.respond(r.request_id, north, { decision: 'accepted' }).then((got) => {
      storedWhenAnswered = store.stored.map((c) => c.change);
      return got;
    });
    await vi.waitFor(() => expect(store.tries).toBe(3)); // the answer's write is at the store, held
    expect(storedWhenAnswered).toBeUndefined();
    expect(desk.get(r.request_id)).toMatchObject({ state: 'awaiting_response', answered_at: null });
    expect(published()).toEqual(['created', 'delivered']);

    store.release();
    expect(await answer).toMatchObject({ state: 'accepted', agents_committed: 6 });
    expect(storedWhenAnswered).toEqual(['created', 'delivered', 'accepted']);
    expect(published()).toEqual(['created', 'delivered', 'accepted']);
    expect(heard).toEqual([
      ['created', 'created', 'delivering'],
      ['delivered', 'delivered', 'awaiting_response'],
      ['accepted', 'accepted', 'accepted'],
    ]);
  });

  it("refuses an answer the store did not take ('unavailable'), leaves the request as it was, and takes the partner's retry", async () => {
    const { desk, store, published, s } = await setup();
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();
    const before = desk.get(r.request_id);

    store.down = true;
    const tries = store.tries;
    const refused = await desk.respond(r.request_id, north, { decision: 'declined' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/could not be stored; send it again/) });
    expect(store.tries - tries).toBe(2); // the journal retried before giving up
    expect(desk.get(r.request_id)).toEqual(before);
    expect(desk.list()).toHaveLength(1); // nothing escalated on an answer not taken
    expect(published()).toEqual(['created', 'delivered']);

    store.down = false;
    expect(await desk.respond(r.request_id, north, { decision: 'declined' })).toMatchObject({ state: 'declined', agents_committed: 0 });
    await desk.idle();
    expect((await store.changes(r.request_id)).map((c) => [c.seq, c.change, c.request.state])).toEqual([
      [1, 'created', 'delivering'],
      [2, 'delivered', 'awaiting_response'],
      [3, 'declined', 'declined'],
      [4, 'escalated', 'declined'],
    ]);
    expect(desk.list()[0]).toMatchObject({ partner: 'south', escalated_from: r.request_id });
    expect(s.deliveries).toHaveLength(1);
  });

  it('sends a webhook only once its request is stored, and retries only once the failure is stored', async () => {
    const { desk, store, n } = await setup((k) => (k === 1 ? 500 : 200));
    store.hold();
    const opened = desk.requestCapacity(firingAlert(6, NOW));
    await sleep(100);
    expect(n.deliveries).toHaveLength(0);
    expect(desk.list()).toEqual([]);

    store.release();
    const r = (await opened)!;
    expect(store.stored.map((c) => c.change)).toEqual(['created']);
    // The first attempt fails (500); the retry waits for that failure to be stored.
    store.hold();
    const before = store.tries;
    // The failure's write reaches the store, held there: no retry goes out meanwhile.
    await vi.waitFor(() => expect(store.tries).toBeGreaterThan(before));
    expect(n.deliveries).toHaveLength(1);
    store.release();
    await desk.idle();
    expect(n.deliveries).toHaveLength(2);
    expect((await store.changes(r.request_id)).map((c) => [c.change, c.request.attempts])).toEqual([
      ['created', 0],
      ['delivery_failed', 1],
      ['delivered', 2],
    ]);
  });

  it('resolves a tick once its expiries and escalations are stored', async () => {
    const { desk, store, advance } = await setup();
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();
    advance(15 * 60_000);
    store.hold();
    let done = false;
    const tick = desk.tick().then(() => (done = true));
    await sleep(50);
    expect(done).toBe(false);
    store.release();
    await tick;
    const toSouth = desk.list()[0];
    expect(store.stored.slice(2).map((c) => [c.change, c.request.request_id])).toEqual([
      ['expired', r.request_id],
      ['escalated', r.request_id],
      ['created', toSouth.request_id],
    ]);
  });

  it("keeps the loop's facts while the store is down; the next stored change carries the whole request", async () => {
    const { desk, store, published, n } = await setup();
    store.down = true;
    const r = (await desk.requestCapacity(firingAlert(6, NOW)))!;
    await desk.idle();
    // The partner has the webhook whatever the store says: the desk knows so.
    expect(n.deliveries).toHaveLength(1);
    expect(desk.get(r.request_id)).toMatchObject({ state: 'awaiting_response', attempts: 1 });
    expect(await store.changes(r.request_id)).toEqual([]);
    expect(published()).toEqual([]); // not stored, not published

    store.down = false;
    await desk.respond(r.request_id, north, { decision: 'accepted' });
    expect((await store.changes(r.request_id)).map((c) => [c.seq, c.change])).toEqual([[3, 'accepted']]);
    expect(await store.latest(0)).toEqual([desk.get(r.request_id)]);
  });
});
