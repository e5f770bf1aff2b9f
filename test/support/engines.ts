/**
 * The real engines for tests: Kafka and ClickHouse on loopback, as `npm run services:up` starts
 * them. `requireEngines()` probes both once per test file. Unreachable with CI=true: it throws,
 * so the file FAILS with the reason (CI never skips them). On a laptop the tests skip, saying why.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describe } from 'vitest';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

export interface Engines {
  ok: boolean;
  /** Why they cannot be used, when not ok. */
  reason?: string;
  kafkaBrokers: string;
  clickhouseUrl: string;
}

let probed: Promise<Engines> | undefined;

async function probeKafka(): Promise<string | undefined> {
  const kafka = new Kafka({ brokers: KAFKA_BROKERS.split(','), connectionTimeout: 2000, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await Promise.race([
      admin.connect().then(() => admin.describeCluster()),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 4 s')), 4000)),
    ]);
    return undefined;
  } catch (err) {
    return `Kafka does not answer at ${KAFKA_BROKERS} (${(err as Error).message})`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function probeClickHouse(): Promise<string | undefined> {
  try {
    const res = await fetch(`${CLICKHOUSE_URL}/?query=SELECT%201`, { signal: AbortSignal.timeout(4000) });
    if (res.ok && (await res.text()).trim() === '1') return undefined;
    return `ClickHouse at ${CLICKHOUSE_URL} answered ${res.status}`;
  } catch (err) {
    return `ClickHouse does not answer at ${CLICKHOUSE_URL} (${(err as Error).message})`;
  }
}

/** Probes Kafka and ClickHouse; throws with CI=true when either is unreachable. */
export function requireEngines(): Promise<Engines> {
  probed ??= (async () => {
    const reasons = (await Promise.all([probeKafka(), probeClickHouse()])).filter((r): r is string => r !== undefined);
    const engines: Engines = { ok: reasons.length === 0, kafkaBrokers: KAFKA_BROKERS, clickhouseUrl: CLICKHOUSE_URL };
    if (engines.ok) return engines;
    engines.reason = `${reasons.join('; ')}. Start them with \`npm run services:up\``;
    if (process.env.CI === 'true') {
      throw new Error(`real-engine tests cannot run: ${engines.reason}. With CI=true they fail rather than skip.`);
    }
    console.warn(`SKIPPING real-engine tests: ${engines.reason}`);
    return engines;
  })();
  return probed;
}

/** `describe` when the engines answer; otherwise a skipped `describe` whose title says why. */
export function describeWithEngines(engines: Engines, name: string, fn: () => void): void {
  if (engines.ok) describe(name, fn);
  else describe.skip(`${name} (skipped: ${engines.reason})`, fn);
}

/** A name no other test run uses: `prefix_<random hex>` (safe as a topic, group and database name). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface TestTopics {
  events: string;
  dlq: string;
  /** Deletes both topics. */
  remove(): Promise<void>;
}

/**
 * Creates a private events topic (6 partitions, like `ops.task-events`) and DLQ (3), so that
 * tests running side by side never read each other's records. Created explicitly, as
 * services:up creates the real ones: nothing here relies on auto-creation.
 */
export async function createTestTopics(prefix = 'test'): Promise<TestTopics> {
  const base = uniqueName(`ops.${prefix}`);
  const events = `${base}.task-events`;
  const dlq = `${base}.task-events.dlq`;
  const kafka = new Kafka({ brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: events, numPartitions: 6, replicationFactor: 1 },
        { topic: dlq, numPartitions: 3, replicationFactor: 1 },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  return {
    events,
    dlq,
    async remove() {
      const a = kafka.admin();
      await a.connect();
      try {
        await a.deleteTopics({ topics: [events, dlq], timeout: 10_000 });
      } catch {
        // Leftover topics are harmless: every run uses new names.
      } finally {
        await a.disconnect();
      }
    },
  };
}

/** Drops a test database (the tests name theirs with uniqueName, so nothing else is touched). */
export async function dropDatabase(name: string): Promise<void> {
  if (!/^ops_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await fetch(`${CLICKHOUSE_URL}/`, { method: 'POST', body: `DROP DATABASE IF EXISTS ${name}` }).catch(() => undefined);
}
