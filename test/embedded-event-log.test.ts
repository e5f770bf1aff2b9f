import { describe, expect, it } from 'vitest';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import type { LogRecord } from '../contracts/event-log.js';
import { murmur2, partitionFor } from '../streams/partitioner.js';

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('embedded event log', () => {
  it('partitions keys as Kafka does (murmur2)', () => {
    // Published vectors of Kafka's Utils.murmur2 (generated from the Java client, as in kafkajs' Java-compatible partitioner tests).
    const vectors: Record<string, number> = { '0': 971027396, '1': -1993445489, '128': -326012175, '2187': -1508407203, '78125': -1654490814, '10000000': -1830336757, '100:48069': 1009543857 };
    for (const [key, hash] of Object.entries(vectors)) {
      expect(murmur2(key)).toBe(hash);
      expect(partitionFor(key, 6)).toBe((hash & 0x7fffffff) % 6);
    }
  });

  it('keeps each key in order and commits only what the handler finished', async () => {
    const log = new EmbeddedEventLog({ partitions: 3 });
    const seen: LogRecord[] = [];
    let failOnce = true;
    const consumer = await log.consume({
      topic: 't',
      group: 'g',
      maxBatch: 7,
      async onBatch(batch) {
        if (failOnce && batch.records.some((r) => r.value === 'k1:10')) {
          failOnce = false;
          // Resolve part of the batch, then fail: the rest must come again.
          batch.resolve(batch.records[0].offset);
          seen.push(batch.records[0]);
          throw new Error('store down');
        }
        seen.push(...batch.records);
        batch.resolve(batch.records[batch.records.length - 1].offset);
      },
    });
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 4}`, value: `k${i % 4}:${i}` }));
    await log.append('t', messages);
    await until(() => seen.length >= 60);
    await consumer.stop();
    for (const key of ['k0', 'k1', 'k2', 'k3']) {
      const values = seen.filter((r) => r.key === key).map((r) => Number(r.value.split(':')[1]));
      expect(values).toEqual([...new Set(values)].sort((a, b) => a - b)); // in order, nothing twice
      expect(values).toHaveLength(15);
    }
    const positions = await log.positions('t', 'g');
    const ends = await log.endOffsets('t');
    expect(positions).toEqual(ends);
  });

  it('lets a second group read everything from the start', async () => {
    const log = new EmbeddedEventLog({ partitions: 2 });
    await log.append('t', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    const got: string[] = [];
    const c = await log.consume({ topic: 't', group: 'late', async onBatch(b) { got.push(...b.records.map((r) => r.value)); b.resolve(b.records.at(-1)!.offset); } });
    await until(() => got.length === 2);
    await c.stop();
    expect(got.sort()).toEqual(['1', '2']);
  });
});
