/**
 * The server wired to the scale-out engines: with KAFKA_BROKERS and CLICKHOUSE_URL it ingests
 * into Kafka and reads metrics from ClickHouse, runs no worker and no simulator by default; with
 * only one of them it refuses to start, naming the missing one.
 */
import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { openClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH, readServerEnv } from '../contracts/env.js';
import { systemClock } from '../contracts/clock.js';
import { startProduct } from '../server/product.js';
import { describeWithEngines, dropDatabase, requireEngines, uniqueName } from './support/engines.js';
import { startServerProcess, type ServerProcess } from './support/process.js';

const engines = await requireEngines();
const quiet = pino({ level: 'silent' });

it('refuses to start with only one of KAFKA_BROKERS and CLICKHOUSE_URL, naming the missing one', async () => {
  await expect(startProduct(readServerEnv({ KAFKA_BROKERS: '127.0.0.1:9092', PORT: '0' }), quiet, systemClock)).rejects.toThrow(/^CLICKHOUSE_URL is not set but KAFKA_BROKERS is/);
  await expect(startProduct(readServerEnv({ CLICKHOUSE_URL: 'http://127.0.0.1:8123', PORT: '0' }), quiet, systemClock)).rejects.toThrow(/^KAFKA_BROKERS is not set but CLICKHOUSE_URL is/);
});

it('turns the simulator off by default when Kafka is set', () => {
  expect(readServerEnv({ KAFKA_BROKERS: '127.0.0.1:9092' }).SIMULATOR).toBe('off');
  expect(readServerEnv({}).SIMULATOR).toBe('on');
});

describeWithEngines(engines, 'the server on Kafka and ClickHouse', () => {
  const database = uniqueName('ops_test');
  let servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await dropDatabase(database);
  });

  it('is ready with the Kafka log and the ClickHouse store, and two servers side by side answer the same snapshot', async () => {
    // Data in ClickHouse that does not move with the clock: staffing on two queues.
    const store = await openClickHouseStore({ url: engines.clickhouseUrl, database, config: loadConfig(DEFAULT_CONFIG_PATH) });
    const at = new Date(Date.now() - 7_200_000).toISOString();
    await store.apply([
      { event_id: `${database}-s1`, type: 'staffing.updated', occurred_at: at, queue: 'billing', team: 'inhouse-rcm', agents: 7 },
      { event_id: `${database}-s2`, type: 'staffing.updated', occurred_at: at, queue: 'insurance', team: 'partner-northwind', agents: 4 },
    ]);
    await store.close();
    const env = { KAFKA_BROKERS: engines.kafkaBrokers, CLICKHOUSE_URL: engines.clickhouseUrl, CLICKHOUSE_DATABASE: database };
    servers = [await startServerProcess(env)];
    servers.push(await startServerProcess(env));
    const [a, b] = servers;
    const ready = await (await fetch(`${a.url}/readyz`)).json();
    expect(ready).toEqual({ status: 'ready', bus: { kind: 'kafka', state: 'ok' }, store: { kind: 'clickhouse', state: 'ok' } });
    expect(a.output()).toMatch(/"log":"kafka","store":"clickhouse","simulator":"off"/);
    expect(a.output()).not.toMatch(/stream worker/);

    // NOTE: each server fills its forecast fields after its first alerting round; compare once both have.
    const both = async () => {
      const [sa, sb] = await Promise.all([a, b].map(async (s) => (await fetch(`${s.url}/api/metrics`)).json()));
      const { generated_at: _a, ...restA } = sa;
      const { generated_at: _b, ...restB } = sb;
      return [restA, restB];
    };
    let [restA, restB] = await both();
    for (let deadline = Date.now() + 10_000; !isDeepStrictEqual(restA, restB) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
      [restA, restB] = await both();
    }
    expect(restA.queues.map((q: { queue: string }) => q.queue)).toEqual(['registration', 'scheduling', 'insurance', 'documentation', 'billing', 'communication']);
    expect(restA.totals.staffed_agents).toBe(11);
    expect(restA).toEqual(restB);

    // Both start-ups are on the audit trail in ClickHouse (open mode: the audit call is allowed), seen from either server.
    const started = (await (await fetch(`${b.url}/api/audit?action=server.started`)).json()).records;
    expect(started).toHaveLength(2);
    for (const record of started) {
      expect(record).toMatchObject({ actor: 'system', role: 'system', target: 'server', details: { engines: { log: 'kafka', store: 'clickhouse' }, config_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    }
    // A server restarted keeps the trail: it lives in ClickHouse, not in the server.
    expect(await a.stop()).toBe(0);
    const again = await startServerProcess(env);
    servers.push(again);
    const after = (await (await fetch(`${again.url}/api/audit?action=server.started`)).json()).records as { id: string }[];
    expect(after).toHaveLength(3);
    expect(after.slice(1)).toEqual(started);
    expect(await again.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });
});
