/**
 * `npm run streams`: one stream worker as its own process, Kafka -> ClickHouse. Any number of
 * them share the consumer group `ops-stream-workers` (STREAMS_GROUP) and split the partitions.
 *
 * On SIGTERM or SIGINT: stop fetching, write what is in hand, commit it, leave the group,
 * disconnect, exit 0 (exit 1 if that takes over 15 s).
 */
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { openClickHouseStore } from './clickhouse/clickhouse-store.js';
import { loadConfig } from '../contracts/config.js';
import { KafkaEventLog } from './kafka/kafka-event-log.js';
import type { MetricsStore } from './metrics-store.js';
import { KAFKA_FETCH_BYTES_PER_PARTITION, KAFKA_LINGER_MS, startStreamWorker, type StreamWorker } from './stream-worker.js';
import { readWorkerEnv, type WorkerEnv } from '../contracts/env.js';
import { createWorkerTelemetry, type WorkerTelemetry } from './worker-telemetry.js';

const FORCE_EXIT_MS = 15_000;

function serveMetrics(telemetry: WorkerTelemetry, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      telemetry.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': telemetry.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // NOTE: loopback only: the counters are for a local scraper or a sidecar, not the world.
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = readWorkerEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = pino({ name: 'streams', level: env.LOG_LEVEL });
  const telemetry = createWorkerTelemetry();
  let log: KafkaEventLog | undefined;
  let store: MetricsStore | undefined;
  let worker: StreamWorker | undefined;
  let metricsServer: Server | undefined;
  let stopping: Promise<void> | undefined;

  const shutdown = (reason: string, code: number) => {
    stopping ??= (async () => {
      logger.info({ reason }, 'stream worker stopping: stop fetching, write what is in hand, commit, disconnect');
      setTimeout(() => {
        logger.error(`shutdown took over ${FORCE_EXIT_MS / 1000} s; exiting`);
        process.exit(1);
      }, FORCE_EXIT_MS).unref();
      try {
        await worker?.stop();
        await log?.close();
        await store?.close();
        await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
        logger.info('stream worker stopped');
      } catch (err) {
        logger.error({ err }, 'shutdown failed');
        code = 1;
      }
      process.exit(code);
    })();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('SIGINT', () => shutdown('SIGINT', 0));

  try {
    const config = loadConfig(env.OPS_CONFIG);
    if (env.STREAMS_METRICS_PORT !== undefined) {
      metricsServer = await serveMetrics(telemetry, env.STREAMS_METRICS_PORT);
      logger.info({ url: `http://127.0.0.1:${(metricsServer.address() as { port: number }).port}/metrics` }, 'Prometheus counters');
    }
    store = await openClickHouseStore({ url: env.CLICKHOUSE_URL, database: env.CLICKHOUSE_DATABASE, config, logger });
    log = new KafkaEventLog({ brokers: env.KAFKA_BROKERS, logger, clientId: 'ops-stream-worker', maxBytesPerPartition: env.STREAMS_FETCH_MB ? env.STREAMS_FETCH_MB * 1024 * 1024 : KAFKA_FETCH_BYTES_PER_PARTITION });
    if (stopping) return;
    worker = await startStreamWorker({
      config,
      log,
      store,
      retentionDays: env.RETENTION_DAYS,
      group: env.STREAMS_GROUP,
      topic: env.STREAMS_TOPIC,
      dlqTopic: env.STREAMS_DLQ_TOPIC,
      lingerMs: env.STREAMS_LINGER_MS ?? KAFKA_LINGER_MS,
      maxRows: env.STREAMS_MAX_ROWS,
      counters: telemetry.counters,
      onError: (err) => logger.warn({ err }, 'stream worker: consumer error; unresolved records are read again'),
      onWriteFailed: (err, attempt, retryInMs) => {
        if (retryInMs === undefined) logger.error({ err, attempt }, 'stream worker: write given up while stopping; its records stay uncommitted and are read again');
        else logger.warn({ err, attempt, retryInMs }, 'stream worker: a write failed; the batch stays in hand and is retried');
      },
      onFatal: (err) => {
        logger.fatal({ err }, 'the Kafka consumer stopped for good');
        shutdown('consumer crashed', 1);
      },
    });
    logger.info(
      { group: env.STREAMS_GROUP, topic: env.STREAMS_TOPIC, dlq: env.STREAMS_DLQ_TOPIC, store: env.CLICKHOUSE_URL, database: env.CLICKHOUSE_DATABASE ?? 'ops', lingerMs: env.STREAMS_LINGER_MS ?? KAFKA_LINGER_MS },
      'stream worker running',
    );
  } catch (err) {
    logger.fatal({ err }, `stream worker failed to start: ${(err as Error).message}`);
    await log?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
