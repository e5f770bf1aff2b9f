/**
 * `npm run bench:pipeline`: the real-engine figures of the issue, printed, never asserted.
 * Needs `npm run services:up` (Kafka and ClickHouse on loopback). Each run uses its own topic and
 * databases and drops them afterwards.
 *   1. throughput: N events in a topic -> our stream worker -> ClickHouse, against ClickHouse's own
 *      Kafka table engine + materialized view into the same raw table, same events;
 *   2. freshness: occurred_at -> stored and visible to snapshot queries, at 5,000 events/s;
 *   3. snapshot query time with 100,000 and with 10,000,000 events of history.
 * Usage: npm run bench:pipeline [-- --events 300000 --history 10000000 --fresh-seconds 20]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { ident, sql } from '../streams/clickhouse/sql.js';
import { loadConfig } from '../contracts/config.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { KAFKA_LINGER_MS, startStreamWorker } from '../streams/stream-worker.js';
import { lifecycleEvents } from './bench-events.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    history: { type: 'string', default: '10000000' },
    'fresh-seconds': { type: 'string', default: '20' },
  },
});
const N = Number(args.events);
const HISTORY = Number(args.history);
const FRESH_SECONDS = Number(args['fresh-seconds']);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const config = loadConfig(DEFAULT_CONFIG_PATH);
const run = randomBytes(3).toString('hex');
const logger = pino({ level: 'warn' });
const kafka = new Kafka({ clientId: 'bench', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
/** NOTE: deleted at the very end: kafkajs keeps asking for the metadata of every topic it wrote. */
const topicsToDelete: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

async function createTopic(topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
}

async function produce(log: KafkaEventLog, topic: string, events: Iterable<OpsEvent>): Promise<number> {
  let batch: { key: string; value: string }[] = [];
  let total = 0;
  for (const e of events) {
    batch.push({ key: eventKey(e), value: JSON.stringify(e) });
    if (batch.length === 20_000) {
      await log.append(topic, batch);
      total += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await log.append(topic, batch);
  return total + batch.length;
}

async function count(store: ClickHouseStore, table: string): Promise<number> {
  const rs = await store.client.query({ query: sql`SELECT count() AS n FROM ${ident(store.database)}.${ident(table)}`.text, format: 'JSONEachRow' });
  return Number(((await rs.json()) as { n: number }[])[0].n);
}

async function throughput(log: KafkaEventLog): Promise<{ ours: number; theirs: number }> {
  const topic = `bench.events.${run}`;
  await createTopic(topic);
  const now = Date.now();
  const t0 = performance.now();
  const produced = await produce(log, topic, lifecycleEvents(config, N, now, 8 * 3600_000, 7, `t${run}`));
  console.log(`produced ${fmt(produced)} events into ${topic} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Ours: the stream worker, one process, into its own database.
  const ours = await openClickHouseStore({ url: CLICKHOUSE_URL, database: `bench_ours_${run}`, config });
  const t1 = performance.now();
  const worker = await startStreamWorker({ config, log, store: ours, group: `bench-ours-${run}`, topic, dlqTopic: 'ops.task-events.dlq', lingerMs: KAFKA_LINGER_MS, onAssignmentChange: () => ours.invalidate() });
  while ((await count(ours, 'events')) < produced) await sleep(100);
  const oursSeconds = (performance.now() - t1) / 1000;
  await worker.stop();
  const oursRate = produced / oursSeconds;
  console.log(`our worker: ${fmt(produced)} events -> ClickHouse (raw + aggregates) in ${oursSeconds.toFixed(1)} s = ${fmt(oursRate)} events/s (target 100,000)`);

  // Theirs: ClickHouse's Kafka engine + a materialized view into the same raw table.
  const theirs = await openClickHouseStore({ url: CLICKHOUSE_URL, database: `bench_kafka_engine_${run}`, config });
  const db = ident(theirs.database);
  const t2 = performance.now();
  await theirs.client.command({
    query: sql`CREATE TABLE ${db}.kafka_in (event_id String, type String, occurred_at String, queue String, task_id String, team String, priority UInt8, agents UInt32)
      ENGINE = Kafka(${BROKERS}, ${topic}, ${`bench-kafka-engine-${run}`}, 'JSONEachRow') SETTINGS kafka_num_consumers = 1`.text,
  });
  await theirs.client.command({
    query: sql`CREATE MATERIALIZED VIEW ${db}.kafka_mv TO ${db}.events AS
      SELECT event_id, type, task_id, queue, team, toInt64(toUnixTimestamp(parseDateTimeBestEffort(occurred_at))) * 1000 + toInt64(toUInt16OrZero(substring(occurred_at, 21, 3))) AS occurred_at, agents, priority, now() AS stored_at
      FROM ${db}.kafka_in`.text,
  });
  let last = -1;
  let stalled = 0;
  for (;;) {
    const n = await count(theirs, 'events');
    if (n >= produced) break;
    stalled = n === last ? stalled + 1 : 0;
    last = n;
    if (stalled > 600) throw new Error(`ClickHouse's Kafka engine stalled at ${n} of ${produced} rows`);
    await sleep(100);
  }
  const theirsSeconds = (performance.now() - t2) / 1000;
  const theirsRate = produced / theirsSeconds;
  console.log(`ClickHouse Kafka engine + MV: ${fmt(produced)} events -> raw table only in ${theirsSeconds.toFixed(1)} s = ${fmt(theirsRate)} events/s`);
  console.log(`ratio ours / Kafka engine: ${(oursRate / theirsRate).toFixed(2)} (target >= 1.5)`);
  await theirs.client.command({ query: sql`DROP TABLE ${db}.kafka_mv`.text });
  await theirs.client.command({ query: sql`DROP TABLE ${db}.kafka_in`.text });
  for (const s of [ours, theirs]) {
    await s.client.command({ query: sql`DROP DATABASE ${ident(s.database)}`.text });
    await s.close();
  }
  topicsToDelete.push(topic);
  return { ours: oursRate, theirs: theirsRate };
}

async function freshness(log: KafkaEventLog): Promise<void> {
  const topic = `bench.fresh.${run}`;
  await createTopic(topic);
  const store = await openClickHouseStore({ url: CLICKHOUSE_URL, database: `bench_fresh_${run}`, config });
  const worker = await startStreamWorker({ config, log, store, group: `bench-fresh-${run}`, topic, dlqTopic: 'ops.task-events.dlq', lingerMs: KAFKA_LINGER_MS });
  const rate = 5000;
  const lags: number[] = [];
  const pending = new Map<string, number>(); // sampled event id -> occurred_at
  let i = 0;
  const start = Date.now();
  const producer = (async () => {
    while (Date.now() - start < FRESH_SECONDS * 1000) {
      const tickStart = Date.now();
      const batch: { key: string; value: string }[] = [];
      for (let k = 0; k < rate / 10; k++, i++) {
        const at = Date.now();
        const e: OpsEvent = { event_id: `f${run}-${i}`, type: 'task.created', occurred_at: new Date(at).toISOString(), queue: config.queues[i % 6].id, task_id: `f${run}-${i}` };
        if (i % 100 === 0) pending.set(e.event_id, at);
        batch.push({ key: eventKey(e), value: JSON.stringify(e) });
      }
      await log.append(topic, batch);
      await sleep(Math.max(0, 100 - (Date.now() - tickStart)));
    }
  })();
  const poll = async () => {
    const ids = [...pending.keys()];
    if (ids.length === 0) return;
    const seen = await store.knownEventIds(ids);
    const t = Date.now();
    for (const id of seen) {
      lags.push(t - pending.get(id)!);
      pending.delete(id);
    }
  };
  while (Date.now() - start < FRESH_SECONDS * 1000 + 5000 && (Date.now() - start < FRESH_SECONDS * 1000 || pending.size > 0)) {
    await poll();
    await sleep(25);
  }
  await producer;
  await worker.stop();
  lags.sort((a, b) => a - b);
  console.log(`freshness at ${fmt(rate)} events/s for ${FRESH_SECONDS} s (${lags.length} sampled events; occurred_at -> stored and visible to snapshot queries, polled every 25 ms): p50 ${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms (target p99 <= 2,000 ms)`);
  await store.client.command({ query: sql`DROP DATABASE ${ident(store.database)}`.text });
  await store.close();
  topicsToDelete.push(topic);
}

/**
 * History of closed tasks, written straight into the tables in the shape the worker writes them
 * (events, task states, window facts, minute counts), spread over the 30 days before the window;
 * then the same open and recent load on top, through the store, as in production.
 */
async function snapshotCost(historyEvents: number): Promise<number[]> {
  const store = await openClickHouseStore({ url: CLICKHOUSE_URL, database: `bench_snap_${run}_${historyEvents}`, config });
  const db = ident(store.database);
  const tasks = Math.floor(historyEvents / 3);
  const now = Date.now();
  const queues = config.queues.map((q) => q.id);
  const span = 30 * 24 * 3600_000;
  const base = now - 2 * 3600_000 - span;
  const t0 = performance.now();
  // In slices of a million tasks: each INSERT ... SELECT stays well inside the client's timeout.
  const SLICE = 1_000_000;
  for (let from = 0; from < tasks; from += SLICE) {
    const slice = sql`numbers(${from}, ${Math.min(SLICE, tasks - from)})`;
    // Per task: created, started (a team of the queue), completed: 3 raw events.
    await store.client.command({
      query: sql`INSERT INTO ${db}.events (event_id, type, task_id, queue, team, occurred_at)
        SELECT concat('h', toString(number), '-', toString(k)) AS event_id, ['task.created','task.started','task.completed'][k + 1] AS type,
          concat('h', toString(number)) AS task_id, ${queues}[number % 6 + 1] AS queue, '' AS team, ${base} + intDiv(number * ${span}, ${tasks}) + k * 600000 AS occurred_at
        FROM ${slice} ARRAY JOIN [0, 1, 2] AS k`.text,
    });
    await store.client.command({
      query: sql`INSERT INTO ${db}.window_facts (queue, team, fact, at, wait_ms, n)
        SELECT queue, t AS team, f AS fact, ${base} + intDiv(number * ${span}, ${tasks}) + (f - 1) * 600000 AS at, if(f = 3, 600000, 0) AS wait_ms, 1 AS n
        FROM (SELECT number, ${queues}[number % 6 + 1] AS queue, arrayJoin([1, 2, 3]) AS f, arrayJoin(['', 'inhouse']) AS t FROM ${slice})`.text,
    });
    await store.client.command({
      query: sql`INSERT INTO ${db}.minute_counts (queue, minute, arrivals, completions, leaves)
        SELECT ${queues}[number % 6 + 1] AS queue, intDiv(${base} + intDiv(number * ${span}, ${tasks}), 60000) AS minute, 1, 1, 1 FROM ${slice}`.text,
    });
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  // Background merges of the bulk load compete for the two cores: measure once they have settled.
  for (let i = 0; i < 240; i++) {
    const rs = await store.client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
    if (Number(((await rs.json()) as { n: number }[])[0].n) === 0) break;
    await sleep(500);
  }
  // The live part: 8 hours of ordinary traffic through the store.
  const live = [...lifecycleEvents(config, 60_000, now, 8 * 3600_000, 3, `l${run}`)];
  for (let i = 0; i < live.length; i += 10_000) await store.apply(live.slice(i, i + 10_000));
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await store.snapshot(Date.now());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const rows = await count(store, 'events');
  console.log(`snapshot query with ${fmt(rows)} events stored (history written in ${loadSeconds.toFixed(1)} s): p50 ${quantile(times, 0.5).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms over ${times.length} snapshots`);
  await store.client.command({ query: sql`DROP DATABASE ${db}`.text });
  await store.close();
  return times;
}

console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; Kafka ${BROKERS}, ClickHouse ${CLICKHOUSE_URL}, all on this machine`);
await admin.connect();
const log = new KafkaEventLog({ brokers: BROKERS, logger });
try {
  await throughput(log);
  await freshness(log);
  const small = await snapshotCost(100_000);
  const large = await snapshotCost(HISTORY);
  const p99 = (t: number[]) => quantile(t, 0.99);
  console.log(`snapshot p99 at ${fmt(HISTORY)} vs 100,000 events of history: ${(p99(large) / p99(small)).toFixed(2)}x (target <= 2x, and <= 50 ms)`);
} finally {
  await log.close();
  await admin.deleteTopics({ topics: topicsToDelete }).catch(() => {});
  await admin.disconnect();
}
