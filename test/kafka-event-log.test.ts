/**
 * The Kafka `EventLog` against the real broker on loopback (never mocked): ordering per key,
 * the offsets `append` returns, committed positions across a stop and a restart, and that
 * nothing resolved means nothing committed.
 */
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { ConsumedBatch, LogConsumer, LogMessage, LogRecord } from '../contracts/event-log.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { partitionFor } from '../streams/partitioner.js';
import { decodeRecord } from '../streams/stream-worker.js';
import { refConfig } from './support/random-events.js';
import { createTestTopics, describeWithEngines, requireEngines, uniqueName, type TestTopics } from './support/engines.js';

const engines = await requireEngines();
const quiet = pino({ level: 'silent' });

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** Consumes a topic in a group, resolving every batch (or not), until stopped. */
async function collect(log: KafkaEventLog, topic: string, group: string, resolve: (batch: ConsumedBatch) => number | undefined) {
  const records: LogRecord[] = [];
  const assignments: number[][] = [];
  const consumer: LogConsumer = await log.consume({
    topic,
    group,
    onAssignmentChange: (p) => assignments.push(p),
    async onBatch(batch) {
      records.push(...batch.records);
      const offset = resolve(batch);
      if (offset !== undefined) batch.resolve(offset);
    },
  });
  return { records, assignments, consumer };
}

const lastOf = (batch: ConsumedBatch) => batch.records[batch.records.length - 1].offset;

describeWithEngines(engines, 'Kafka event log (real broker)', () => {
  let topics: TestTopics;
  let log: KafkaEventLog;

  beforeAll(async () => {
    topics = await createTestTopics('eventlog');
    log = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: 'event-log-test' });
  });
  afterAll(async () => {
    await log?.close();
    await topics?.remove();
  });

  it('keeps each key in order on its murmur2 partition, and append returns the last offset per partition', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `task-${i}`);
    const sent: LogMessage[] = [];
    const lastReturned = new Map<number, number>();
    // Several appends, one of them large enough to be split into more than one send.
    for (const [round, size] of [[0, 500], [1, 12_000], [2, 7]] as const) {
      const batch: LogMessage[] = Array.from({ length: size }, (_, i) => {
        const key = keys[(i * 7 + round) % keys.length];
        return { key, value: JSON.stringify({ key, seq: sent.length + i, pad: 'x'.repeat(120) }), headers: { round: String(round) } };
      });
      sent.push(...batch);
      for (const [p, offset] of await log.append(topics.events, batch)) lastReturned.set(p, offset);
    }
    const ends = await log.endOffsets(topics.events);
    expect([...ends.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const [p, end] of ends) expect(lastReturned.get(p), `partition ${p}`).toBe(end - 1);
    expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(sent.length);

    const group = uniqueName('order');
    const { records, assignments, consumer } = await collect(log, topics.events, group, lastOf);
    await waitFor('every record', () => records.length >= sent.length);
    await consumer.stop();

    expect(records).toHaveLength(sent.length);
    expect(assignments.at(-1)).toEqual([0, 1, 2, 3, 4, 5]);
    const seqByKey = new Map<string, number[]>();
    for (const r of records) {
      expect(r.partition).toBe(partitionFor(r.key, 6));
      expect(r.headers?.round).toMatch(/^[012]$/);
      seqByKey.set(r.key, [...(seqByKey.get(r.key) ?? []), JSON.parse(r.value).seq]);
    }
    for (const [key, seqs] of seqByKey) {
      const expected = sent.filter((m) => m.key === key).map((m) => JSON.parse(m.value).seq);
      expect(seqs, key).toEqual(expected);
    }
    // Committed positions are the end offsets: everything was resolved.
    expect(await log.positions(topics.events, group)).toEqual(ends);
  });

  it('resumes a group from its committed positions after a stop and a restart', async () => {
    const group = uniqueName('resume');
    const before = await log.endOffsets(topics.events);
    const first = await collect(log, topics.events, group, lastOf);
    const total = [...before.values()].reduce((a, b) => a + b, 0);
    await waitFor('the backlog', () => first.records.length >= total);
    await first.consumer.stop();
    expect(await log.positions(topics.events, group)).toEqual(before);

    const fresh: LogMessage[] = Array.from({ length: 300 }, (_, i) => ({ key: `resume-${i % 17}`, value: `after-restart-${i}` }));
    // Fresh records on every partition: a partition read again from an earlier offset hands the
    // old records over before its fresh ones, so once each partition's last record came, every
    // record a wrongly rewound consumer would read has come too.
    expect(new Set(fresh.map((m) => partitionFor(m.key, 6))).size).toBe(6);
    const ends = await log.append(topics.events, fresh);
    const second = await collect(log, topics.events, group, lastOf);
    await waitFor('the last record of every partition', () =>
      [...ends].every(([p, last]) => second.records.some((r) => r.partition === p && r.offset === last)),
    );
    await second.consumer.stop();
    expect(second.records.map((r) => r.value).sort()).toEqual(fresh.map((m) => m.value).sort());
    expect(await log.positions(topics.events, group)).toEqual(await log.endOffsets(topics.events));
  });

  it('commits nothing that was not resolved, and exactly up to the offset resolved', async () => {
    const ends = await log.endOffsets(topics.events);
    const total = [...ends.values()].reduce((a, b) => a + b, 0);

    const idle = uniqueName('unresolved');
    const none = await collect(log, topics.events, idle, () => undefined);
    // Every partition handed over (and left unresolved) at least once; stop() then commits what was resolved.
    await waitFor('a delivery from every partition', () => new Set(none.records.map((r) => r.partition)).size === 6);
    await none.consumer.stop();
    expect([...(await log.positions(topics.events, idle)).values()]).toEqual([0, 0, 0, 0, 0, 0]);

    // Resolve only the first record of each delivered batch: the position is that offset + 1.
    const partial = uniqueName('partial');
    const firstResolved = new Map<number, number>();
    const some = await collect(log, topics.events, partial, (batch) => {
      if (firstResolved.has(batch.partition)) return undefined;
      firstResolved.set(batch.partition, batch.records[0].offset);
      return batch.records[0].offset;
    });
    await waitFor('a batch per partition', () => firstResolved.size === 6);
    await some.consumer.stop();
    const positions = await log.positions(topics.events, partial);
    for (const [p, offset] of firstResolved) expect(positions.get(p), `partition ${p}`).toBe(offset + 1);
    expect(total).toBeGreaterThan(6);
  });

  it('marks a value whose bytes are not UTF-8 instead of reading them as another text, and the worker dead-letters it', async () => {
    // Written with kafkajs itself: the product's producer only sends text.
    const kafka = new Kafka({ brokers: engines.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const bad = Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]); // {"id":"\xc3(" : a broken sequence
    await producer.send({ topic: topics.dlq, messages: [{ key: 'bytes-1', value: bad }, { key: 'bytes-2', value: '{"id":"fine"}' }] });
    await producer.disconnect();
    const { records, consumer } = await collect(log, topics.dlq, uniqueName('bytes'), lastOf);
    await waitFor('both records', () => records.filter((r) => r.key.startsWith('bytes-')).length === 2);
    await consumer.stop();
    const byKey = new Map(records.map((r) => [r.key, r]));
    expect(byKey.get('bytes-1')!.valueError).toBe('value is not valid UTF-8');
    expect(byKey.get('bytes-2')!.valueError).toBeUndefined();
    expect(decodeRecord(byKey.get('bytes-1')!, refConfig, Date.now())).toEqual({ kind: 'dlq', reason: 'value is not valid UTF-8' });
  });

  it('says which topic is missing instead of creating it', async () => {
    const missing = uniqueName('ops.no-such-topic');
    await expect(log.append(missing, [{ key: 'k', value: 'v' }])).rejects.toThrow(new RegExp(`"${missing.replace(/\./g, '\\.')}" does not exist`));
    await expect(log.consume({ topic: missing, group: 'g', onBatch: async () => {} })).rejects.toThrow(/does not exist/);
  });

  it('answers ping when the broker is up, and rejects quickly when nothing listens', async () => {
    await log.ping();
    const nowhere = new KafkaEventLog({ brokers: '127.0.0.1:1', logger: quiet, pingTimeoutMs: 1500 });
    const started = Date.now();
    await expect(nowhere.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    await nowhere.close();
  });
});
