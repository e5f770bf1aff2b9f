/**
 * Time in the pipeline comes from injected clocks. The write coalescer measures its linger and
 * drain deadline on the `timer` clock it is given (fake timers only fire its timeouts; the
 * manual clock decides whether the time has come). The stream worker keeps two clocks apart:
 * the domain `clock` events are validated against, and the `timer` elapsed time is measured on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { manualClock } from '../contracts/clock.js';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { LogMessage } from '../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { startStreamWorker } from '../streams/stream-worker.js';
import { WriteCoalescer, type CoalescerPart } from '../streams/write-coalescer.js';

const event = (i: number, at = '2026-11-26T09:00:00.000Z'): OpsEvent => ({
  event_id: `clock-e${i}`,
  type: 'task.created',
  occurred_at: at,
  queue: 'billing',
  task_id: `clock-t${i}`,
  priority: 3,
});
const part = (from: number, n: number): CoalescerPart => ({
  topic: 'clock',
  partition: 0,
  events: Array.from({ length: n }, (_, i) => event(from + i)),
  offsets: Array.from({ length: n }, (_, i) => from + i),
  lastOffset: from + n - 1,
  dead: [],
  isStopping: () => false,
});

function sinks(applyFailures = 0) {
  const writes: OpsEvent[][] = [];
  let fails = applyFailures;
  return {
    writes,
    async apply(parts: CoalescerPart[]) {
      if (fails-- > 0) throw new Error('store down');
      const events = parts.flatMap((p) => p.events);
      writes.push(events);
      return { applied: events.length, duplicates: 0 };
    },
    async deadLetter(_messages: LogMessage[]) {},
  };
}

const options = { lingerMs: 250, maxRows: 1000, retry: { initialMs: 200, maxMs: 5000 }, drainTimeoutMs: 10_000 };

describe('WriteCoalescer on an injected timer clock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lingers until the timer clock has moved lingerMs, however long the timeouts run', async () => {
    const timer = manualClock(1_000_000);
    const s = sinks();
    const c = new WriteCoalescer(s, { ...options, timer });
    const done: boolean[] = [];
    void c.submit(part(0, 3)).then((ok) => done.push(ok));
    // The timeouts fire again and again, but by the timer clock no time has passed.
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.writes).toHaveLength(0);
    timer.advance(249);
    await vi.advanceTimersByTimeAsync(250);
    expect(s.writes).toHaveLength(0);
    timer.advance(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(s.writes.map((w) => w.length)).toEqual([3]);
    expect(done).toEqual([true]);
  });

  it('writes at once when a batch arrives after the oldest one lingered enough by the timer clock', async () => {
    const timer = manualClock(0);
    const s = sinks();
    const c = new WriteCoalescer(s, { ...options, timer });
    void c.submit(part(0, 2));
    timer.advance(250);
    // No timeout has fired yet: the write is decided on the second submit, by the clock alone.
    const second = c.submit(part(2, 1));
    await vi.advanceTimersByTimeAsync(0);
    expect(await second).toBe(true);
    expect(s.writes.map((w) => w.length)).toEqual([3]);
  });

  it('gives a failing write up once the timer clock passes the drain deadline', async () => {
    const timer = manualClock(0);
    const s = sinks(Infinity);
    const c = new WriteCoalescer(s, { ...options, timer });
    let done: boolean | undefined;
    void c.submit(part(0, 1)).then((ok) => (done = ok));
    c.drain();
    // A minute of retries on the fake timers, none on the timer clock: still trying.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(done).toBeUndefined();
    timer.advance(options.drainTimeoutMs);
    await vi.advanceTimersByTimeAsync(options.drainTimeoutMs);
    expect(done).toBe(false);
  });
});

describe('stream worker clocks', () => {
  const config = loadConfig(DEFAULT_CONFIG_PATH);
  const toMessage = (e: OpsEvent): LogMessage => ({ key: eventKey(e), value: JSON.stringify(e) });

  it('validates against the frozen domain clock while the linger runs on the timer', async () => {
    // Years ahead of the machine's clock: valid only by the domain clock.
    const domainNow = Date.parse('2040-01-01T12:00:00.000Z');
    const log = new EmbeddedEventLog({ partitions: 2 });
    const store = new EmbeddedMetricsStore(config, () => domainNow);
    const applied: number[] = [];
    const worker = await startStreamWorker({
      config,
      log,
      store,
      clock: () => domainNow,
      lingerMs: 20,
      topic: 'clock.events',
      dlqTopic: 'clock.dlq',
      counters: { applied: (n) => applied.push(n) },
    });
    try {
      const events = [0, 1, 2, 3].map((i) => event(i, new Date(domainNow - 60_000).toISOString()));
      const last = await log.append('clock.events', events.map(toMessage));
      expect(await worker.waitForCommitted(last, 10_000)).toBe(true);
      expect(applied.reduce((a, b) => a + b, 0)).toBe(4);
      expect([...(await log.endOffsets('clock.dlq')).values()]).toEqual([0, 0]);
    } finally {
      await worker.stop();
      await log.close();
    }
  });

  it('times waitForCommitted out on the timer clock', async () => {
    const log = new EmbeddedEventLog({ partitions: 1 });
    const timer = manualClock(0);
    const worker = await startStreamWorker({ config, log, store: new EmbeddedMetricsStore(config), timer, topic: 'clock.idle', dlqTopic: 'clock.idle.dlq' });
    try {
      // An offset nobody will write: only the timeout can end the wait.
      const waiting = worker.waitForCommitted(new Map([[0, 41]]), 3_600_000);
      timer.advance(3_600_000);
      expect(await waiting).toBe(false);
    } finally {
      await worker.stop();
      await log.close();
    }
  });
});
