/**
 * `npm run seed` against the real broker: backfills into an empty topic, skips the backfill when
 * the topic already holds events (a restart must not double the history), stops on SIGTERM.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { createTestTopics, describeWithEngines, requireEngines, type TestTopics } from './support/engines.js';
import { startScript } from './support/worker-process.js';

const engines = await requireEngines();

it('refuses to run without KAFKA_BROKERS, saying why', async () => {
  const seed = startScript('scripts/seed.ts', { KAFKA_BROKERS: '' });
  expect(await seed.exited).toBe(1);
  expect(seed.output()).toMatch(/KAFKA_BROKERS is not set/);
});

describeWithEngines(engines, 'npm run seed on Kafka', () => {
  let topics: TestTopics;
  let log: KafkaEventLog;
  const total = async () => [...(await log.endOffsets(topics.events)).values()].reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    topics = await createTestTopics('seed');
    log = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await log?.close();
    await topics?.remove();
  });

  it('backfills an empty topic once; a restart goes live without a second backfill; SIGTERM exits 0', async () => {
    const env = { KAFKA_BROKERS: engines.kafkaBrokers, STREAMS_TOPIC: topics.events, BACKFILL_HOURS: '1', SIM_SEED: '7' };
    const first = startScript('scripts/seed.ts', env);
    await first.waitForOutput(/"msg":"simulator running live"/, 60_000);
    const backfilled = Number(/"events":(\d+),"msg":"backfill written"/.exec(first.output())?.[1]);
    expect(backfilled).toBeGreaterThan(100);
    expect(await first.signal('SIGTERM')).toBe(0);
    const afterFirst = await total();
    expect(afterFirst).toBeGreaterThanOrEqual(backfilled);

    const second = startScript('scripts/seed.ts', env);
    await second.waitForOutput(/"msg":"simulator running live"/, 60_000);
    expect(second.output()).toMatch(/the topic already holds events: no backfill/);
    expect(second.output()).not.toMatch(/backfill written/);
    await new Promise((r) => setTimeout(r, 600));
    expect(await second.signal('SIGTERM')).toBe(0);
    // Live from now: a second or so of events at most, nothing like another hour.
    expect((await total()) - afterFirst).toBeLessThan(backfilled / 4);
  });
});
