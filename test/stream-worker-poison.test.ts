/**
 * The stream worker on the embedded log: every record it cannot handle (not JSON, invalid, a type
 * named after an inherited property, too old, or one whose apply throws) goes to the DLQ with its
 * reason, the rest is applied, offsets move past all of them, and the worker carries on.
 */
import { afterEach, expect, it } from 'vitest';
import type { LogMessage, LogRecord } from '../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { startStreamWorker, type StreamWorker } from '../streams/stream-worker.js';
import { MARKER, poisonRecords, throwingStore } from './support/poison-records.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const TOPIC = 'poison.events';
const DLQ = 'poison.events.dlq';
const iso = (ms: number) => new Date(ms).toISOString();

function validEvents(tag: string, n: number, minutesAgo = 30): OpsEvent[] {
  return Array.from({ length: n }, (_, i) => ({ event_id: `${tag}-${i}`, type: 'task.created' as const, occurred_at: iso(REF_NOW - minutesAgo * 60_000), queue: 'registration', task_id: `${tag}-${i}` }));
}
const toMessage = (e: OpsEvent): LogMessage => ({ key: eventKey(e), value: JSON.stringify(e) });

async function lastOffsets(log: EmbeddedEventLog): Promise<Map<number, number>> {
  const ends = await log.endOffsets(TOPIC);
  return new Map([...ends].filter(([, end]) => end > 0).map(([p, end]) => [p, end - 1]));
}

async function dlqRecords(log: EmbeddedEventLog): Promise<LogRecord[]> {
  const ends = await log.endOffsets(DLQ);
  return [...ends].flatMap(([p, end]) => log.read(DLQ, p, 0, end));
}

let worker: StreamWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

it('dead-letters each record it cannot handle with its reason, applies the rest and carries on', async () => {
  const log = new EmbeddedEventLog();
  const store = new EmbeddedMetricsStore(refConfig, () => REF_NOW);
  const counts = { applied: 0, dead: 0 };
  const good = validEvents('good', 300);
  const poison = poisonRecords('p', REF_NOW, 'registration');
  const stream: LogMessage[] = good.map(toMessage);
  poison.forEach((p, i) => stream.splice(Math.floor(((i + 1) * stream.length) / (poison.length + 1)), 0, p.message));
  for (let i = 0; i < stream.length; i += 40) await log.append(TOPIC, stream.slice(i, i + 40));

  worker = await startStreamWorker({
    config: refConfig,
    log,
    store: throwingStore(store),
    clock: () => REF_NOW,
    topic: TOPIC,
    dlqTopic: DLQ,
    retry: { initialMs: 5, maxMs: 20 },
    counters: { applied: (n) => (counts.applied += n), deadLettered: (n) => (counts.dead += n) },
  });
  expect(await worker.waitForCommitted(await lastOffsets(log), 10_000)).toBe(true);
  const dead = await dlqRecords(log);
  expect(dead).toHaveLength(poison.length);
  for (const p of poison) {
    const record = dead.find((r) => r.key === p.message.key);
    expect(record, p.message.key).toBeDefined();
    expect(record!.value).toBe(p.message.value);
    expect(record!.headers?.reason).toMatch(p.reason);
    expect(record!.headers?.reason).not.toContain('Jane');
    expect(record!.headers?.['source-topic']).toBe(TOPIC);
  }
  expect(counts.dead).toBe(poison.length);
  expect((await store.snapshot(REF_NOW)).totals.backlog).toBe(good.length);

  // It carries on after them.
  await log.append(TOPIC, [...validEvents('more', 20).map(toMessage), { key: 'm', value: JSON.stringify({ type: 'valueOf', queue: MARKER }) }]);
  expect(await worker.waitForCommitted(await lastOffsets(log), 10_000)).toBe(true);
  expect((await store.snapshot(REF_NOW)).totals.backlog).toBe(good.length + 20);
  expect(await dlqRecords(log)).toHaveLength(poison.length + 1);
});

it('takes the retention from its deps', async () => {
  const log = new EmbeddedEventLog();
  const store = new EmbeddedMetricsStore(refConfig, () => REF_NOW);
  await log.append(TOPIC, [...validEvents('recent', 2, 6 * 24 * 60), ...validEvents('old', 3, 8 * 24 * 60)].map(toMessage));
  worker = await startStreamWorker({ config: refConfig, log, store, clock: () => REF_NOW, topic: TOPIC, dlqTopic: DLQ, retentionDays: 7 });
  expect(await worker.waitForCommitted(await lastOffsets(log), 10_000)).toBe(true);
  const dead = await dlqRecords(log);
  expect(dead.map((r) => r.headers?.reason)).toEqual(Array(3).fill('occurred_at: is too old: older than the 7-day retention'));
  expect((await store.snapshot(REF_NOW)).totals.backlog).toBe(2);
});

it('retries a failing write whole when told not to take it apart (a store whose errors are transient)', async () => {
  const log = new EmbeddedEventLog();
  const inner = new EmbeddedMetricsStore(refConfig, () => REF_NOW);
  let failures = 3;
  const flaky = new Proxy(inner, {
    get: (target, prop, receiver) =>
      prop === 'apply'
        ? async (events: readonly OpsEvent[]) => {
            if (failures-- > 0) throw new Error('connection reset');
            return target.apply(events);
          }
        : Reflect.get(target, prop, receiver),
  });
  await log.append(TOPIC, validEvents('flaky', 10).map(toMessage));
  worker = await startStreamWorker({ config: refConfig, log, store: flaky, clock: () => REF_NOW, topic: TOPIC, dlqTopic: DLQ, isolateFailures: false, retry: { initialMs: 5, maxMs: 20 } });
  expect(await worker.waitForCommitted(await lastOffsets(log), 10_000)).toBe(true);
  expect(await dlqRecords(log)).toHaveLength(0);
  expect((await inner.snapshot(REF_NOW)).totals.backlog).toBe(10);
});
