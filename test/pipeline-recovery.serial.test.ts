/**
 * Failures in the middle of a stream, Kafka -> worker process -> ClickHouse, with a deterministic
 * event set (the simulator's back office over a few simulated hours, fixed seed):
 * - the worker SIGKILLed and restarted,
 * - ClickHouse stopped for 30 s and started again.
 * Either way the final snapshot and history from ClickHouse at a fixed `now` equal the embedded
 * engine's for the same events.
 *
 * NOTE: `.serial` files run alone, after every other test file (vitest.config.ts): stopping
 * ClickHouse would break whatever else uses it at the time.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { loadConfig } from '../contracts/config.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import type { OpsEvent } from '../contracts/events.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { createTestTopics, describeWithEngines, dropDatabase, requireEngines, uniqueName, type TestTopics } from './support/engines.js';
import { comparable, knownIds, modelEvents, sleep, TrackedProducer, waitFor, waitForCaughtUp } from './support/pipeline.js';
import { ROOT } from './support/process.js';
import { startWorkerProcess, type ChildHandle } from './support/worker-process.js';

const engines = await requireEngines();
const config = loadConfig(DEFAULT_CONFIG_PATH);
const quiet = pino({ level: 'silent' });

/**
 * A Monday morning of the last week or two: 06:00 to 11:00 UTC, about 14,000 events. NOTE: recent
 * on purpose: the worker refuses events older than RETENTION_DAYS (35) as too old.
 */
const START = lastMondayMorning(Date.now() - 24 * 3_600_000);
function lastMondayMorning(beforeMs: number): number {
  const day = new Date(beforeMs);
  day.setUTCHours(6, 0, 0, 0);
  while (day.getUTCDay() !== 1 || day.getTime() > beforeMs) day.setTime(day.getTime() - 24 * 3_600_000);
  return day.getTime();
}
const HOURS = 5;
const NOW = START + HOURS * 3_600_000;
const EVENTS: OpsEvent[] = modelEvents(config, START, HOURS, 20260302);
const HISTORY_MINUTES = HOURS * 60;

const clickhouseScript = join(ROOT, 'scripts/services/clickhouse.sh');
function clickhouse(command: 'start' | 'stop'): void {
  execFileSync('bash', [clickhouseScript, command], { stdio: 'ignore', timeout: 120_000 });
}

async function clickHouseAnswers(): Promise<boolean> {
  return fetch(`${engines.clickhouseUrl}/?query=SELECT%201`, { signal: AbortSignal.timeout(2000) }).then(
    (res) => res.ok,
    () => false,
  );
}

describeWithEngines(engines, 'pipeline recovery (real Kafka, worker process, ClickHouse)', () => {
  let expected: { snapshot: object; history: object };
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const reference = new EmbeddedMetricsStore(config, () => NOW);
    await reference.apply(EVENTS);
    expected = {
      snapshot: comparable(await reference.snapshot(NOW)),
      history: comparable(await reference.history(undefined, HISTORY_MINUTES, NOW)),
    };
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  /** A fresh topic pair, group, database and client; torn down after the test. */
  async function setUp(name: string) {
    const topics: TestTopics = await createTestTopics(name);
    const database = uniqueName('ops_test');
    // NOTE: a client per test: kafkajs keeps refreshing metadata of every topic it ever wrote, and these get deleted.
    const log = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: 'recovery-test' });
    cleanups.push(() => topics.remove(), () => dropDatabase(database), () => log.close());
    const settings = { group: uniqueName(name), topic: topics.events, dlqTopic: topics.dlq, database, kafkaBrokers: engines.kafkaBrokers, clickhouseUrl: engines.clickhouseUrl };
    const producer = new TrackedProducer(log, topics.events);
    const workers: ChildHandle[] = [];
    cleanups.push(async () => Promise.all(workers.map((w) => w.signal('SIGKILL'))));
    const startWorker = async () => {
      const w = await startWorkerProcess(settings);
      workers.push(w);
      return w;
    };
    const committedSum = async () => [...(await log.positions(topics.events, settings.group)).values()].reduce((a, b) => a + b, 0);
    return { log, topics, database, settings, producer, startWorker, committedSum };
  }

  /** Opens the test database's store and checks it against the embedded engine. */
  async function expectSameAsEmbedded(database: string): Promise<void> {
    const store: ClickHouseStore = await openClickHouseStore({ url: engines.clickhouseUrl, database, config, migrate: false });
    cleanups.push(() => store.close());
    expect((await knownIds(store, EVENTS.map((e) => e.event_id))).size).toBe(EVENTS.length);
    expect(comparable(await store.snapshot(NOW))).toEqual(expected.snapshot);
    expect(comparable(await store.history(undefined, HISTORY_MINUTES, NOW))).toEqual(expected.history);
  }

  it('worker SIGKILLed mid-stream and restarted: same final metrics as the embedded engine', async () => {
    const { log, database, settings, producer, startWorker, committedSum } = await setUp('sigkill');
    const first = await startWorker();
    const streaming = producer.stream(EVENTS, 60, 60);
    await waitFor('the worker to commit part of the stream', async () => (await committedSum()) > 0, 30_000);
    await sleep(300 + Math.random() * 700);
    await first.signal('SIGKILL');
    const atKill = await committedSum();
    expect(atKill, 'killed in the middle of the stream').toBeLessThan(EVENTS.length);

    await sleep(500);
    const second = await startWorker();
    await streaming;
    await waitForCaughtUp(log, settings.topic, settings.group, producer.ends, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\nrestarted worker:\n${second.output()}`);
    });
    expect(await second.signal('SIGTERM')).toBe(0);
    await expectSameAsEmbedded(database);
  }, 120_000);

  it('ClickHouse stopped for 30 s mid-stream: the worker holds its batch, then catches up; same final metrics', async () => {
    const { log, database, settings, producer, startWorker, committedSum } = await setUp('chdown');
    cleanups.push(async () => clickhouse('start')); // whatever happens, ClickHouse comes back
    const worker = await startWorker();
    const third = Math.floor(EVENTS.length / 3);
    await producer.stream(EVENTS.slice(0, third), 10, 50);
    await waitFor('the worker to commit part of the stream', async () => (await committedSum()) > 0, 30_000);

    clickhouse('stop');
    const outageStart = Date.now();
    expect(await clickHouseAnswers(), `scripts/services/clickhouse.sh stop left ${engines.clickhouseUrl} answering (started from another SERVICES_DIR?)`).toBe(false);
    // The rest arrives while ClickHouse is down; the worker must hold, not commit, and stay in its group.
    const streaming = producer.stream(EVENTS.slice(third), 20, 500);
    await sleep(3000);
    const heldAt = await committedSum();
    await sleep(Math.max(0, 30_000 - (Date.now() - outageStart)));
    expect(await committedSum(), 'nothing committed while the store is down').toBe(heldAt);
    expect(heldAt).toBeLessThan(EVENTS.length);
    expect(worker.child.exitCode, worker.output()).toBeNull();
    clickhouse('start');

    await streaming;
    await waitForCaughtUp(log, settings.topic, settings.group, producer.ends, 90_000);
    expect(worker.output().match(/"msg":"joined the consumer group"/g), 'heartbeats kept the membership: no rebalance').toHaveLength(1);
    expect(worker.output()).toMatch(/a write failed; the batch stays in hand/);
    expect(await worker.signal('SIGTERM')).toBe(0);
    await expectSameAsEmbedded(database);
  }, 180_000);
});
