/**
 * The stream worker as its own process (`node --import tsx streams/main.ts`), Kafka -> ClickHouse:
 * SIGTERM in the middle of a load exits 0 and commits exactly what it wrote to the store.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { loadConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { createTestTopics, describeWithEngines, dropDatabase, requireEngines, uniqueName, type TestTopics } from './support/engines.js';
import { knownIds, sleep, TrackedProducer, waitFor, waitForCaughtUp } from './support/pipeline.js';
import { freePort } from './support/process.js';
import { startWorkerProcess, type ChildHandle } from './support/worker-process.js';

const engines = await requireEngines();
const config = loadConfig(DEFAULT_CONFIG_PATH);
const quiet = pino({ level: 'silent' });

/** Lifecycle events of tasks `from..to`, in the last hour, so nothing is in the future. */
function load(tag: string, from: number, to: number, now: number): OpsEvent[] {
  const out: OpsEvent[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let i = from; i < to; i++) {
    const task = `${tag}-${i}`;
    const queue = config.queues[i % config.queues.length].id;
    const team = config.teams.find((t) => t.queues.includes(queue))!.id;
    const created = now - 3_000_000 + (i % 1000) * 1000;
    out.push({ event_id: `${task}.c`, type: 'task.created', occurred_at: iso(created), queue, task_id: task });
    out.push({ event_id: `${task}.s`, type: 'task.started', occurred_at: iso(created + 60_000), queue, task_id: task, team });
    if (i % 3 === 0) out.push({ event_id: `${task}.d`, type: 'task.completed', occurred_at: iso(created + 120_000), queue, task_id: task, team });
  }
  return out;
}

describeWithEngines(engines, 'stream worker process (Kafka -> ClickHouse)', () => {
  let topics: TestTopics;
  let log: KafkaEventLog;
  let store: ClickHouseStore | undefined;
  let worker: ChildHandle | undefined;
  const database = uniqueName('ops_test');

  beforeAll(async () => {
    topics = await createTestTopics('worker');
    log = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: 'worker-process-test' });
  });
  afterAll(async () => {
    await worker?.signal('SIGKILL');
    await log?.close();
    await topics?.remove();
    await store?.close();
    await dropDatabase(database);
  });

  it('on SIGTERM during load: exits 0, and the committed positions are exactly what the store holds', async () => {
    const group = uniqueName('graceful');
    const settings = { group, topic: topics.events, dlqTopic: topics.dlq, database, kafkaBrokers: engines.kafkaBrokers, clickhouseUrl: engines.clickhouseUrl };
    const producer = new TrackedProducer(log, topics.events);
    const tag = uniqueName('load');
    const now = Date.now();
    const metricsPort = await freePort();
    worker = await startWorkerProcess({ ...settings, extra: { STREAMS_METRICS_PORT: String(metricsPort) } });

    // Load: 300 tasks (about 700 events) every 40 ms, for about 4 s.
    let stopLoad = false;
    const loading = (async () => {
      for (let i = 0; !stopLoad && i < 30_000; i += 300) {
        await producer.append(load(tag, i, i + 300, now));
        await sleep(40);
      }
    })();
    // SIGTERM once the worker has committed part of it, while the load goes on.
    await waitFor('a first commit', async () => [...(await log.positions(topics.events, group)).values()].some((o) => o > 0), 30_000);
    await sleep(1000);
    const counters = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(Number(/^occ_streams_events_applied_total (\d+)$/m.exec(counters)?.[1])).toBeGreaterThan(0);
    expect(counters).toMatch(/^occ_streams_write_rows_count [1-9]/m);
    expect(counters).toMatch(/^occ_streams_write_seconds_bucket/m);
    expect(counters).toMatch(/^occ_streams_events_dead_lettered_total 0$|# TYPE occ_streams_events_dead_lettered_total counter/m);
    const exitCode = await worker.signal('SIGTERM');
    const output = worker.output();
    stopLoad = true;
    await loading;
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/"msg":"stream worker stopped"/);

    store = await openClickHouseStore({ url: engines.clickhouseUrl, database, config });
    const positions = await log.positions(topics.events, group);
    const all = producer.idsByPartition.flat();
    const known = await knownIds(store, all);
    let committedCount = 0;
    for (const [p, ids] of producer.idsByPartition.entries()) {
      const position = positions.get(p) ?? 0;
      committedCount += position;
      // Below the committed position: every event is in the store; at or above it: none.
      const missing = ids.slice(0, position).filter((id) => !known.has(id));
      const extra = ids.slice(position).filter((id) => known.has(id));
      expect({ partition: p, missing: missing.length, extra: extra.length }).toEqual({ partition: p, missing: 0, extra: 0 });
    }
    expect(committedCount).toBe(known.size);
    expect(committedCount).toBeGreaterThan(0);
    expect(committedCount, 'SIGTERM came in the middle of the load').toBeLessThan(producer.sent);

    // Nothing lost: a new worker picks up from there and finishes.
    worker = await startWorkerProcess(settings);
    await waitForCaughtUp(log, topics.events, group, producer.ends, 60_000);
    expect(await worker.signal('SIGTERM')).toBe(0);
    expect((await knownIds(store, all)).size).toBe(producer.sent);
  });
});
