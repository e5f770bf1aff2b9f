/**
 * `npm run bench:pipeline`: the real-engine figures of issue 10, printed, never asserted.
 * Needs `npm run services:up` (Kafka and ClickHouse on loopback). Each run uses its own topics and
 * databases and drops them afterwards. Stream workers run as `npm run streams` runs them (their own
 * processes, streams/main.ts).
 *   1. throughput: N events in a topic -> one stream worker -> ClickHouse (raw events and every
 *      aggregate), then two workers in the group, against ClickHouse's own Kafka table engine +
 *      materialized view into the same raw table, same events;
 *   2. freshness: occurred_at -> stored and visible to snapshot queries, at 20,000 events/s;
 *   3. snapshot (one query) with 100,000 and 10,000,000 events of history (and --large, e.g. 100 M).
 * Usage: npm run bench:pipeline [-- --events 600000 --history 10000000 --large 100000000 --fresh-seconds 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { loadConfig } from '../contracts/config.js';
import { eventKey, type OpsEvent } from '../contracts/events.js';
import { openHttpConnection } from '../streams/clickhouse/http-connection.js';
import { migrate } from '../streams/clickhouse/migrate.js';
import { ident, inList, sql } from '../streams/clickhouse/sql.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { lifecycleEvents } from './bench-events.js';
import { fmt, quantile, snapshotCost } from './bench-pipeline-snapshot.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '600000' },
    history: { type: 'string', default: '10000000' },
    large: { type: 'string' },
    'fresh-seconds': { type: 'string', default: '20' },
    'fresh-rate': { type: 'string', default: '20000' },
    /** Which parts to run (default all): throughput,freshness,snapshot */
    only: { type: 'string', default: 'throughput,freshness,snapshot' },
  },
});
const N = Number(args.events);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const config = loadConfig(DEFAULT_CONFIG_PATH);
const run = randomBytes(3).toString('hex');
const kafka = new Kafka({ clientId: 'bench', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const ch = openHttpConnection({ url: CLICKHOUSE_URL, requestTimeoutMs: 600_000 });
/** NOTE: deleted at the very end: kafkajs keeps asking for the metadata of every topic it wrote. */
const topicsToDelete: string[] = [];
const databases: string[] = [];
const children = new Set<ChildProcess>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createTopic(topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
  topicsToDelete.push(topic);
}

async function count(database: string): Promise<number> {
  const rows = await ch.query<{ n: number }>(sql`SELECT count() AS n FROM ${ident(database)}.events`);
  return Number(rows[0].n);
}

/** A fresh database with the product's tables. */
async function database(name: string): Promise<string> {
  await migrate(ch, name);
  databases.push(name);
  return name;
}

/** `count` stream workers (streams/main.ts) on `topic` into `db`; resolves once the group is stable with all of them. */
async function startWorkers(count: number, topic: string, db: string, group: string): Promise<ChildProcess[]> {
  const workers = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'streams/main.ts'], {
      env: { ...process.env, KAFKA_BROKERS: BROKERS, CLICKHOUSE_URL, CLICKHOUSE_DATABASE: db, STREAMS_TOPIC: topic, STREAMS_GROUP: group, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  });
  for (;;) {
    const { groups } = await admin.describeGroups([group]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length === count) return workers;
    await sleep(50);
  }
}

/** Peak resident memory of a process (Linux: VmHWM), in MB; undefined elsewhere. */
function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  const peaks = workers.map((w) => peakRssMb(w.pid));
  if (peaks.every((p) => p !== undefined)) console.log(`  worker peak resident memory: ${peaks.map((p) => `${p} MB`).join(', ')}`);
  await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : (w.once('exit', resolve), w.kill('SIGTERM'))))));
}

/** Events per second from the moment every worker is in the group until every event is stored. */
async function ours(workerCount: number, topic: string, produced: number): Promise<number> {
  const db = await database(`bench_ours_${workerCount}_${run}`);
  const workers = await startWorkers(workerCount, topic, db, `bench-ours-${workerCount}-${run}`);
  const t0 = performance.now();
  const n0 = await count(db);
  while ((await count(db)) < produced) await sleep(50);
  const seconds = (performance.now() - t0) / 1000;
  const rate = (produced - n0) / seconds;
  console.log(`${workerCount} stream worker${workerCount > 1 ? 's' : ''}: ${fmt(produced - n0)} events -> ClickHouse (raw + every aggregate) in ${seconds.toFixed(2)} s = ${fmt(rate)} events/s (target 100,000)`);
  await stopWorkers(workers);
  return rate;
}

async function theirs(topic: string, produced: number): Promise<number> {
  const db = ident(await database(`bench_kafka_engine_${run}`));
  const t0 = performance.now();
  await ch.command(sql`CREATE TABLE ${db}.kafka_in (event_id String, type String, occurred_at String, queue String, task_id String, team String, priority UInt8, agents UInt32)
    ENGINE = Kafka(${BROKERS}, ${topic}, ${`bench-kafka-engine-${run}`}, 'JSONEachRow') SETTINGS kafka_num_consumers = 1`);
  await ch.command(sql`CREATE MATERIALIZED VIEW ${db}.kafka_mv TO ${db}.events AS
    SELECT event_id, type, task_id, queue, team, toInt64(toUnixTimestamp(parseDateTimeBestEffort(occurred_at))) * 1000 + toInt64(toUInt16OrZero(substring(occurred_at, 21, 3))) AS occurred_at, agents, priority, now() AS stored_at
    FROM ${db}.kafka_in`);
  let last = -1;
  let stalled = 0;
  for (;;) {
    const n = await count(`bench_kafka_engine_${run}`);
    if (n >= produced) break;
    stalled = n === last ? stalled + 1 : 0;
    last = n;
    if (stalled > 600) throw new Error(`ClickHouse's Kafka engine stalled at ${n} of ${produced} rows`);
    await sleep(50);
  }
  const seconds = (performance.now() - t0) / 1000;
  await ch.command(sql`DROP TABLE ${db}.kafka_mv`);
  await ch.command(sql`DROP TABLE ${db}.kafka_in`);
  const rate = produced / seconds;
  console.log(`ClickHouse Kafka engine (1 consumer) + MV: ${fmt(produced)} events -> raw table only in ${seconds.toFixed(2)} s = ${fmt(rate)} events/s`);
  return rate;
}

async function throughput(log: KafkaEventLog): Promise<void> {
  const topic = `bench.events.${run}`;
  await createTopic(topic);
  const t0 = performance.now();
  let batch: { key: string; value: string }[] = [];
  let produced = 0;
  for (const e of lifecycleEvents(config, N, Date.now(), 8 * 3600_000, 7, `t${run}`)) {
    batch.push({ key: eventKey(e), value: JSON.stringify(e) });
    if (batch.length === 20_000) {
      await log.append(topic, batch);
      produced += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await log.append(topic, batch);
  produced += batch.length;
  console.log(`produced ${fmt(produced)} events into ${topic} (6 partitions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const one = await ours(1, topic, produced);
  const two = await ours(2, topic, produced);
  const engine = await theirs(topic, produced);
  console.log(`two workers / one: ${(two / one).toFixed(2)}x`);
  console.log(`ratio ours / Kafka engine: one worker ${(one / engine).toFixed(2)}, two workers ${(two / engine).toFixed(2)} (target >= 1.5)`);
}

async function freshness(log: KafkaEventLog): Promise<void> {
  const topic = `bench.fresh.${run}`;
  await createTopic(topic);
  const db = await database(`bench_fresh_${run}`);
  const workers = await startWorkers(1, topic, db, `bench-fresh-${run}`);
  const seconds = Number(args['fresh-seconds']);
  const rate = Number(args['fresh-rate']);
  const lags: number[] = [];
  const pending = new Map<string, number>(); // sampled event id -> occurred_at
  let i = 0;
  const start = Date.now();
  const producer = (async () => {
    while (Date.now() - start < seconds * 1000) {
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
  while (Date.now() - start < seconds * 1000 + 5000 && (Date.now() - start < seconds * 1000 || pending.size > 0)) {
    const ids = [...pending.keys()];
    if (ids.length > 0) {
      const seen = await ch.query<{ event_id: string }>(sql`SELECT event_id FROM ${ident(db)}.events WHERE event_id IN ${inList(ids)}`);
      const t = Date.now();
      for (const { event_id } of seen) {
        if (!pending.has(event_id)) continue;
        lags.push(t - pending.get(event_id)!);
        pending.delete(event_id);
      }
    }
    await sleep(25);
  }
  await producer;
  await stopWorkers(workers);
  lags.sort((a, b) => a - b);
  console.log(
    `freshness at ${fmt(rate)} events/s offered for ${seconds} s (${lags.length} sampled events, ${pending.size} never seen; occurred_at -> stored and visible to snapshot queries, polled every 25 ms): ` +
      `p50 ${quantile(lags, 0.5)} ms, p99 ${quantile(lags, 0.99)} ms (target p99 <= 1,000 ms)`,
  );
}

console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; Kafka ${BROKERS}, ClickHouse ${CLICKHOUSE_URL}, all on this machine`);
await admin.connect();
const log = new KafkaEventLog({ brokers: BROKERS, logger: pino({ level: 'warn' }) });
const parts = new Set(args.only.split(','));
try {
  if (parts.has('throughput')) await throughput(log);
  if (parts.has('freshness')) await freshness(log);
  if (parts.has('snapshot')) await snapshots();
} finally {
  for (const child of children) child.kill('SIGKILL');
  await log.close();
  for (const db of databases) await ch.command(sql`DROP DATABASE IF EXISTS ${ident(db)}`).catch(() => {});
  await ch.close();
  await admin.deleteTopics({ topics: topicsToDelete }).catch(() => {});
  await admin.disconnect();
}

async function snapshots(): Promise<void> {
  const small = await snapshotCost(CLICKHOUSE_URL, config, run, 100_000);
  const large = await snapshotCost(CLICKHOUSE_URL, config, run, Number(args.history));
  const p99 = (t: number[]) => quantile(t, 0.99);
  console.log(`snapshot p99 at ${fmt(Number(args.history))} vs 100,000 events of history: ${(p99(large) / p99(small)).toFixed(2)}x (target <= 1.5x, and <= 25 ms)`);
  if (args.large) {
    const huge = await snapshotCost(CLICKHOUSE_URL, config, run, Number(args.large));
    console.log(`snapshot p99 at ${fmt(Number(args.large))} vs 100,000 events of history: ${(p99(huge) / p99(small)).toFixed(2)}x`);
  }
}
