/**
 * Poison messages written straight to a real Kafka topic, mixed with valid events: each lands in
 * the DLQ with its reason and where it came from, the counts are exact, and the worker carries on.
 * Poison includes types named after inherited properties and an event whose apply throws.
 * The worker runs in process with the embedded store (the subject here is the Kafka side).
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import type { LogMessage, LogRecord } from '../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { partitionFor } from '../streams/partitioner.js';
import { KAFKA_LINGER_MS, startStreamWorker, type StreamWorker } from '../streams/stream-worker.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { createTestTopics, describeWithEngines, requireEngines, uniqueName, type TestTopics } from './support/engines.js';
import { poisonRecords, throwingStore } from './support/poison-records.js';

const engines = await requireEngines();
const config = loadConfig(DEFAULT_CONFIG_PATH);
const quiet = pino({ level: 'silent' });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

/** Valid lifecycle events of `n` tasks, tagged so that ids never collide with another run. */
function validEvents(tag: string, n: number): OpsEvent[] {
  const out: OpsEvent[] = [];
  for (let i = 0; i < n; i++) {
    const task = `${tag}-t${i}`;
    const queue = config.queues[i % config.queues.length].id;
    const team = config.teams.find((t) => t.queues.includes(queue))!.id;
    out.push({ event_id: `${task}-c`, type: 'task.created', occurred_at: iso(NOW - 3_600_000 + i * 1000), queue, task_id: task, priority: 3 });
    if (i % 2 === 0) out.push({ event_id: `${task}-s`, type: 'task.started', occurred_at: iso(NOW - 1_800_000 + i * 1000), queue, task_id: task, team });
  }
  return out;
}

const toMessage = (e: OpsEvent): LogMessage => ({ key: eventKey(e), value: JSON.stringify(e) });

describeWithEngines(engines, 'stream worker on Kafka: poison messages go to the DLQ', () => {
  let topics: TestTopics;
  let log: KafkaEventLog;

  beforeAll(async () => {
    topics = await createTestTopics('dlq');
    log = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: 'dlq-test' });
  });
  afterAll(async () => {
    await log?.close();
    await topics?.remove();
  });

  it('dead-letters each poison message with its reason and source, applies the rest, and carries on', async () => {
    const tag = uniqueName('dlq');
    const good = validEvents(tag, 400);
    const base = { type: 'task.created', occurred_at: iso(NOW - 60_000), queue: 'billing', priority: 2 };
    const poison: { message: LogMessage; reason: RegExp }[] = [
      { message: { key: `${tag}-p1`, value: '{"event_id": "half a JSON' }, reason: /^value is not JSON$/ },
      { message: { key: `${tag}-p2`, value: 'not json at all' }, reason: /^value is not JSON$/ },
      {
        message: { key: `${tag}-p3`, value: JSON.stringify({ ...base, event_id: `${tag}-p3`, task_id: `${tag}-p3`, patient_name: 'Jane Doe' }) },
        reason: /^unknown field "patient_name": events carry opaque ids only$/,
      },
      {
        message: { key: `${tag}-p4`, value: JSON.stringify({ ...base, event_id: `${tag}-p4`, task_id: `${tag}-p4`, queue: 'radiology' }) },
        reason: /^queue: "radiology" is not a queue in the configuration$/,
      },
      {
        message: { key: `${tag}-p5`, value: JSON.stringify({ ...base, event_id: `${tag}-p5`, task_id: `${tag}-p5`, occurred_at: 'yesterday at noon' }) },
        reason: /^occurred_at: must be an RFC 3339 timestamp/,
      },
      {
        message: { key: `${tag}-p6`, value: JSON.stringify({ ...base, event_id: `${tag}-p6`, task_id: `${tag}-p6`, occurred_at: '2026-11-26T09:15:02' }) },
        reason: /^occurred_at: must be an RFC 3339 timestamp/,
      },
      { message: { key: `${tag}-p7`, value: '[1,2,3]' }, reason: /^an event must be a JSON object$/ },
      // Types named after inherited properties, an own __proto__, patient-like values, too old, and an apply that throws.
      ...poisonRecords(tag, NOW, 'billing'),
    ];
    // Poison spread through the valid stream, written in several appends.
    const stream: LogMessage[] = good.map(toMessage);
    poison.forEach((p, i) => stream.splice(Math.floor(((i + 1) * stream.length) / (poison.length + 1)), 0, p.message));
    for (let i = 0; i < stream.length; i += 150) await log.append(topics.events, stream.slice(i, i + 150));

    const counts = { applied: 0, duplicates: 0, dead: 0, writes: 0 };
    const store = new EmbeddedMetricsStore(config, () => NOW);
    const group = uniqueName('dlq-worker');
    const worker: StreamWorker = await startStreamWorker({
      config,
      log,
      store: throwingStore(store),
      clock: () => NOW,
      group,
      topic: topics.events,
      dlqTopic: topics.dlq,
      lingerMs: KAFKA_LINGER_MS,
      counters: {
        applied: (n) => (counts.applied += n),
        duplicates: (n) => (counts.duplicates += n),
        deadLettered: (n) => (counts.dead += n),
        written: () => counts.writes++,
      },
    });
    try {
      expect(await worker.waitForCommitted(await lastOffsets(log, topics.events), 30_000)).toBe(true);
      expect(counts).toMatchObject({ applied: good.length, duplicates: 0, dead: poison.length });
      // Few writes: the partition batches in hand share one (linger), not one write per batch.
      expect(counts.writes).toBeLessThanOrEqual(Math.ceil(stream.length / 150));

      const dlq = await readAll(log, topics.dlq, poison.length);
      expect(dlq).toHaveLength(poison.length);
      const seen = new Set<string>();
      for (const p of poison) {
        const record = dlq.find((r) => r.key === p.message.key);
        expect(record, p.message.key).toBeDefined();
        expect(record!.value).toBe(p.message.value);
        expect(record!.headers?.reason).toMatch(p.reason);
        expect(record!.headers?.['source-topic']).toBe(topics.events);
        expect(record!.headers?.['source-partition']).toBe(String(partitionFor(p.message.key, 6)));
        seen.add(`${record!.headers?.['source-partition']}/${record!.headers?.['source-offset']}`);
      }
      expect(seen.size).toBe(poison.length);
      const snapshot = await store.snapshot(NOW);
      expect(snapshot.totals.backlog).toBe(400);
      expect(snapshot.totals.in_progress).toBe(200);

      // It carries on: more valid events and one more poison message after the first ones.
      const more = validEvents(`${tag}-more`, 50).map(toMessage);
      await log.append(topics.events, [...more, { key: `${tag}-p8`, value: '{' }]);
      expect(await worker.waitForCommitted(await lastOffsets(log, topics.events), 30_000)).toBe(true);
      expect(counts).toMatchObject({ applied: good.length + more.length, duplicates: 0, dead: poison.length + 1 });
      expect(await readAll(log, topics.dlq, poison.length + 1)).toHaveLength(poison.length + 1);
    } finally {
      await worker.stop();
    }
    expect(await log.positions(topics.events, group)).toEqual(await log.endOffsets(topics.events));
  });
});

/** The last offset written per partition (end offset - 1), for partitions that hold records. */
async function lastOffsets(log: KafkaEventLog, topic: string): Promise<Map<number, number>> {
  const ends = await log.endOffsets(topic);
  return new Map([...ends].filter(([, end]) => end > 0).map(([p, end]) => [p, end - 1]));
}

/** Reads a topic from the start in a fresh group until `expected` records arrived (then a little longer). */
async function readAll(log: KafkaEventLog, topic: string, expected: number): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const consumer = await log.consume({
    topic,
    group: uniqueName('reader'),
    async onBatch(batch) {
      records.push(...batch.records);
      batch.resolve(batch.records[batch.records.length - 1].offset);
    },
  });
  await waitFor(`${expected} records on ${topic}`, () => records.length >= expected);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.stop();
  return records;
}
