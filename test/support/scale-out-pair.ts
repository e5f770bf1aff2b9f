/**
 * For tests that send the same input to the scale-out engines and to the embedded default: a
 * server (`createApp`) whose ingest writes a private Kafka topic that a stream worker stores in
 * ClickHouse (a database of the test's own), next to an embedded product on a temporary data
 * directory. Both listen on 127.0.0.1.
 */
import pino from 'pino';
import type { OpsConfig } from '../../contracts/config.js';
import type { EventLog, LogMessage } from '../../contracts/event-log.js';
import { createApp, type App, type AppDeps } from '../../server/app.js';
import { createProduct, type Product } from '../../server/product.js';
import { openClickHouseStore, type ClickHouseStore } from '../../streams/clickhouse/clickhouse-store.js';
import { KafkaEventLog } from '../../streams/kafka/kafka-event-log.js';
import { startStreamWorker, type StreamWorker } from '../../streams/stream-worker.js';
import { createTestTopics, dropDatabase, uniqueName, type Engines, type TestTopics } from './engines.js';
import { waitForCaughtUp } from './pipeline.js';
import { tempDataDir } from './process.js';

export interface ScaleOutPair {
  /** The server on Kafka and ClickHouse. */
  url: string;
  /** The embedded product. */
  embeddedUrl: string;
  embedded: Product;
  store: ClickHouseStore;
  database: string;
  /** Every message the server produced to Kafka. */
  produced: LogMessage[];
  /** Resolves once the worker has stored everything on the topic so far. */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

/** Starts both; `name` names the topic, group and client; `app` adds to the server's deps. */
export async function startScaleOutPair(
  engines: Engines,
  o: { name: string; config: OpsConfig; clock: () => number; app?: (store: ClickHouseStore) => Partial<AppDeps> },
): Promise<ScaleOutPair> {
  const quiet = pino({ level: 'silent' });
  const { config, clock } = o;
  const database = uniqueName('ops_test');
  const group = uniqueName(o.name);
  const topics: TestTopics = await createTestTopics(o.name);
  const kafka = new KafkaEventLog({ brokers: engines.kafkaBrokers, logger: quiet, clientId: `${o.name}-test` });
  const store = await openClickHouseStore({ url: engines.clickhouseUrl, database, config, logger: quiet });
  const worker: StreamWorker = await startStreamWorker({ config, log: kafka, store, clock, group, topic: topics.events, dlqTopic: topics.dlq });
  const produced: LogMessage[] = [];
  // The server's ingest writes the contract's topic; this one is the test's own, on the same broker.
  const log: EventLog = {
    kind: 'kafka',
    append: (_topic, messages) => {
      produced.push(...messages);
      return kafka.append(topics.events, messages);
    },
    consume: (options) => kafka.consume(options),
    positions: (topic, g) => kafka.positions(topic, g),
    endOffsets: (topic) => kafka.endOffsets(topic),
    ping: () => kafka.ping(),
    close: async () => undefined,
  };
  const app: App = createApp({ config, log, store, logger: quiet, clock, tickMs: 60_000, ...o.app?.(store) });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const embedded = await createProduct({ config, logger: quiet, clock, engines: { dataDir: tempDataDir() }, tickMs: 60_000 });
  return {
    url: `http://127.0.0.1:${(app.httpServer.address() as { port: number }).port}`,
    embeddedUrl: await embedded.listen(0, '127.0.0.1'),
    embedded,
    store,
    database,
    produced,
    caughtUp: async () => waitForCaughtUp(kafka, topics.events, group, await kafka.endOffsets(topics.events), 60_000),
    async close() {
      await embedded.stop();
      await app.close();
      await worker.stop();
      await kafka.close();
      await store.close();
      await topics.remove();
      await dropDatabase(database);
    },
  };
}
