/**
 * History import on the scale-out engines: the same export, imported through `POST /api/import`
 * into Kafka (a private topic) and stored by a stream worker in ClickHouse, gives the very
 * snapshot and history the embedded default gives; importing it again adds nothing there either,
 * and the import's audit record lands in ClickHouse.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { EventLog } from '../contracts/event-log.js';
import type { ImportSummary } from '../contracts/import.js';
import { createApp, type App } from '../server/app.js';
import { ClickHouseAuditLog } from '../server/audit/clickhouse-audit-log.js';
import { createProduct, type Product } from '../server/product.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import { startStreamWorker, type StreamWorker } from '../streams/stream-worker.js';
import { createTestTopics, describeWithEngines, dropDatabase, requireEngines, uniqueName, type TestTopics } from './support/engines.js';
import { EXPORT_QUERY, exportCsv, exportTasks } from './support/export-fixture.js';
import { comparable, waitForCaughtUp } from './support/pipeline.js';
import { tempDataDir } from './support/process.js';

const engines = await requireEngines();
const config = loadConfig(DEFAULT_CONFIG_PATH);
const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const quiet = pino({ level: 'silent' });

async function postImport(url: string, body: string): Promise<ImportSummary> {
  const res = await fetch(`${url}/api/import?${new URLSearchParams(EXPORT_QUERY)}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
  expect(res.status).toBe(200);
  return (await res.json()) as ImportSummary;
}

describeWithEngines(engines, 'history import on Kafka and ClickHouse', () => {
  const database = uniqueName('ops_test');
  const group = uniqueName('import');
  let topics: TestTopics;
  let kafka: KafkaEventLog;
  let store: ClickHouseStore;
  let worker: StreamWorker;
  let app: App;
  let url: string;
  let embedded: Product;
  let embeddedUrl: string;

  beforeAll(async () => {
    topics = await createTestTopics('import');
    kafka = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: 'import-test' });
    store = await openClickHouseStore({ url: engines.clickhouseUrl, database, config, logger: quiet });
    worker = await startStreamWorker({ config, log: kafka, store, clock: () => NOW, group, topic: topics.events, dlqTopic: topics.dlq });
    // The server's ingest writes the contract's topic; this one is the test's own, on the same broker.
    const log: EventLog = {
      kind: 'kafka',
      append: (_topic, messages) => kafka.append(topics.events, messages),
      consume: (options) => kafka.consume(options),
      positions: (topic, g) => kafka.positions(topic, g),
      endOffsets: (topic) => kafka.endOffsets(topic),
      ping: () => kafka.ping(),
      close: async () => undefined,
    };
    let n = 0;
    app = createApp({ config, log, store, logger: quiet, clock: () => NOW, ids: () => `import-${++n}`, tickMs: 60_000, audit: new ClickHouseAuditLog(store.connection, store.database) });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.httpServer.address() as { port: number }).port}`;
    embedded = await createProduct({ config, logger: quiet, clock: () => NOW, engines: { dataDir: tempDataDir() }, tickMs: 60_000 });
    embeddedUrl = await embedded.listen(0, '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    await app?.close();
    await worker?.stop();
    await kafka?.close();
    await store?.close();
    await topics?.remove();
    await dropDatabase(database);
  }, 60_000);

  it('gives the metrics the embedded default gives, and a re-import adds nothing', async () => {
    const csv = exportCsv(exportTasks(config, NOW, 600, 21));
    const onKafka = await postImport(url, csv);
    const onEmbedded = await postImport(embeddedUrl, csv);
    expect(onKafka).toEqual(onEmbedded);
    expect(onKafka).toMatchObject({ rejected_count: 0, duplicates: 0 });
    expect(onKafka.accepted).toBe(onKafka.events);

    const caughtUp = () => kafka.endOffsets(topics.events).then((ends) => waitForCaughtUp(kafka, topics.events, group, ends, 60_000));
    await caughtUp();
    const minutes = 3 * 24 * 60;
    const expected = { snapshot: comparable(await embedded.store.snapshot(NOW)), history: await embedded.store.history(undefined, minutes, NOW) };
    expect(expected.snapshot.totals.arrivals + expected.snapshot.totals.backlog).toBeGreaterThan(0);
    expect(comparable(await store.snapshot(NOW))).toEqual(expected.snapshot);
    expect(await store.history(undefined, minutes, NOW)).toEqual(expected.history);

    const again = await postImport(url, csv);
    expect(again).toMatchObject({ accepted: 0, duplicates: onKafka.events, rejected_count: 0 });
    await caughtUp();
    expect(comparable(await store.snapshot(NOW))).toEqual(expected.snapshot);

    const audit = new ClickHouseAuditLog(store.connection, store.database);
    const records = await audit.query({ action: 'history.imported', limit: 10 });
    expect(records.map((r) => r.details)).toEqual([
      expect.objectContaining({ format: 'csv', accepted: 0, duplicates: onKafka.events, complete: true }),
      expect.objectContaining({ format: 'csv', accepted: onKafka.events, duplicates: 0, complete: true }),
    ]);
  }, 120_000);
});
