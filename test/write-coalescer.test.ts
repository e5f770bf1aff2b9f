/**
 * The write coalescer on fake timers: linger and row cap, one write at a time, retries with
 * capped jittered backoff that keep every batch in hand, each step written once, and giving up
 * only when stopping.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogMessage } from '../contracts/event-log.js';
import type { OpsEvent } from '../contracts/events.js';
import { backoffDelay } from '../streams/backoff.js';
import { WriteCoalescer, type CoalescerPart } from '../streams/write-coalescer.js';

const event = (i: number): OpsEvent => ({ event_id: `e${i}`, type: 'task.created', occurred_at: '2026-11-26T09:00:00.000Z', queue: 'billing', task_id: `t${i}` });
const part = (from: number, n: number, dead: LogMessage[] = [], stopping = () => false): CoalescerPart => ({
  topic: 'coalesce',
  partition: 0,
  events: Array.from({ length: n }, (_, i) => event(from + i)),
  offsets: Array.from({ length: n }, (_, i) => from + i),
  lastOffset: from + n - 1,
  dead,
  isStopping: stopping,
});

function sinks(failures: { apply?: number; dlq?: number } = {}) {
  const writes: OpsEvent[][] = [];
  const dlq: LogMessage[][] = [];
  let applyFails = failures.apply ?? 0;
  let dlqFails = failures.dlq ?? 0;
  return {
    writes,
    dlq,
    applyCalls: 0,
    async apply(parts: CoalescerPart[]) {
      this.applyCalls++;
      if (applyFails-- > 0) throw new Error('store down');
      const events = parts.flatMap((p) => p.events);
      writes.push(events);
      return { applied: events.length, duplicates: 0 };
    },
    async deadLetter(messages: LogMessage[]) {
      if (dlqFails-- > 0) throw new Error('dlq down');
      dlq.push(messages);
    },
  };
}

const options = { lingerMs: 250, maxRows: 1000, retry: { initialMs: 200, maxMs: 5000 }, drainTimeoutMs: 10_000 };

describe('WriteCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds batches for the linger and writes them together, then answers each', async () => {
    const s = sinks();
    const c = new WriteCoalescer(s, options);
    const done: boolean[] = [];
    void c.submit(part(0, 3)).then((ok) => done.push(ok));
    await vi.advanceTimersByTimeAsync(100);
    void c.submit(part(3, 2)).then((ok) => done.push(ok));
    await vi.advanceTimersByTimeAsync(100);
    expect(s.writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60);
    expect(s.writes.map((w) => w.length)).toEqual([5]);
    expect(done).toEqual([true, true]);
  });

  it('writes at once when the row cap is reached, and at once with no linger', async () => {
    const s = sinks();
    const capped = new WriteCoalescer(s, options);
    const first = capped.submit(part(0, 600));
    const second = capped.submit(part(600, 400));
    await vi.advanceTimersByTimeAsync(0);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(s.writes.map((w) => w.length)).toEqual([1000]);

    const t = sinks();
    const eager = new WriteCoalescer(t, { ...options, lingerMs: 0 });
    expect(await eager.submit(part(0, 1))).toBe(true);
    expect(t.writes).toHaveLength(1);
  });

  it('keeps a failing write in hand and retries it with capped, jittered backoff', async () => {
    const s = sinks({ apply: 6 });
    const delays: (number | undefined)[] = [];
    const c = new WriteCoalescer(s, { ...options, lingerMs: 0 }, { failed: (_e, _a, retryInMs) => delays.push(retryInMs) });
    let done: boolean | undefined;
    void c.submit(part(0, 10)).then((ok) => (done = ok));
    // Batches submitted during the outage wait for the next write.
    void c.submit(part(10, 5));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(done).toBe(true);
    expect(s.applyCalls).toBe(8);
    expect(s.writes.map((w) => w.length)).toEqual([10, 5]);
    expect(delays).toHaveLength(6);
    delays.forEach((d, i) => {
      const step = Math.min(5000, 200 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
    });
  });

  it('writes the store and the DLQ once each: a DLQ failure does not apply the events again', async () => {
    const s = sinks({ dlq: 2 });
    const dead = [{ key: 'k', value: 'x', headers: { reason: 'value is not JSON' } }];
    const deadLettered: number[] = [];
    const c = new WriteCoalescer(s, { ...options, lingerMs: 0 }, { deadLettered: (m) => deadLettered.push(m.length) });
    const done = c.submit(part(0, 4, dead));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await done).toBe(true);
    expect(s.applyCalls).toBe(1);
    expect(s.dlq).toHaveLength(1);
    expect(deadLettered).toEqual([1]);
  });

  it('when stopping, writes at once, and gives a write that keeps failing up after the drain timeout', async () => {
    const s = sinks({ apply: Infinity });
    const c = new WriteCoalescer(s, options);
    let done: boolean | undefined;
    void c.submit(part(0, 3)).then((ok) => (done = ok));
    c.drain();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.applyCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(9000);
    expect(done).toBeUndefined();
    await vi.advanceTimersByTimeAsync(6000);
    expect(done).toBe(false);
  });

  it('a batch whose consumer is rebalancing skips the linger', async () => {
    const s = sinks();
    const c = new WriteCoalescer(s, options);
    const done = c.submit(part(0, 2, [], () => true));
    await vi.advanceTimersByTimeAsync(0);
    expect(await done).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay, is capped, and jitters between half and all of the step', () => {
    expect(backoffDelay(1, { baseMs: 200, maxMs: 5000 }, () => 1)).toBe(200);
    expect(backoffDelay(1, { baseMs: 200, maxMs: 5000 }, () => 0)).toBe(100);
    expect(backoffDelay(4, { baseMs: 200, maxMs: 5000 }, () => 1)).toBe(1600);
    expect(backoffDelay(30, { baseMs: 200, maxMs: 5000 }, () => 1)).toBe(5000);
    expect(backoffDelay(30, { baseMs: 200, maxMs: 5000 }, () => 0)).toBe(2500);
  });
});
