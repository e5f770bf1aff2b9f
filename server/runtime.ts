/**
 * Wires the product from the environment: event log, store, stream worker, simulator and server,
 * and takes them down again in order.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadConfig, type OpsConfig } from '../contracts/config.js';
import { openClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import type { EventLog } from '../contracts/event-log.js';
import { KafkaEventLog } from '../streams/kafka/kafka-event-log.js';
import type { MetricsStore } from '../streams/metrics-store.js';
import { startStreamWorker, type StreamWorker } from '../streams/stream-worker.js';
import { createSimulator } from '../seed/simulator.js';
import { createProductAlerting } from './alerts/product-alerting.js';
import { createApp, type App } from './app.js';
import type { ServerEnv } from '../contracts/env.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

export interface Running {
  app: App;
  config: OpsConfig;
  url: string;
  stop(): Promise<void>;
}

/** Starts the whole product as the environment says; resolves once it listens. */
export async function startProduct(env: ServerEnv, logger: Logger): Promise<Running> {
  const config = loadConfig(env.OPS_CONFIG);
  const telemetry = createTelemetry();
  const { log, store, worker } = await openEngines(env, config, logger, telemetry);
  const sim = env.simulator;
  const simulator = env.SIMULATOR === 'on' ? createSimulator({ config, log, logger, backfillHours: sim.backfillHours, speed: sim.speed, seed: sim.seed }) : undefined;
  const alerts = await createProductAlerting({ config, store, log, logger, telemetry, env, simulator });

  const app = createApp({
    config,
    log,
    store,
    logger,
    telemetry,
    tickMs: env.TICK_MS,
    awaitVisible: worker ? (offsets) => worker.waitForCommitted(offsets, 5000) : undefined,
    alerting: alerts.alerting,
    routes: alerts.routes,
  });

  let host = env.HOST ?? '127.0.0.1';
  if (app.access.open) {
    if (host !== '127.0.0.1') logger.warn({ requested: host }, 'HOST ignored: without access control the server listens on 127.0.0.1 only');
    host = '127.0.0.1';
    logger.warn('NO ACCESS CONTROL: the config has no "access" section, so every API call is allowed. Listening on 127.0.0.1 only. Add access tokens before exposing this server.');
  }
  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(env.PORT, host, () => resolve());
  });
  const { port } = app.httpServer.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  if (simulator) {
    void simulator
      .backfill()
      .then(({ events }) => {
        logger.info({ events }, 'simulator backfilled history');
        simulator.start();
        // NOTE: alerting starts on the backfilled history, not on a half-written one.
        alerts.start(url);
      })
      .catch((err) => logger.error({ err }, 'simulator failed'));
  } else {
    alerts.start(url);
  }
  logger.info({ url, wall: `${url}/wall`, log: log.kind, store: store.kind, simulator: env.SIMULATOR }, 'Ops Command Center is up');

  let stopping: Promise<void> | undefined;
  return {
    app,
    config,
    url,
    stop() {
      stopping ??= (async () => {
        await simulator?.stop();
        await alerts.stop();
        await app.close();
        await worker?.stop();
        await log.close();
        await store.close();
      })();
      return stopping;
    },
  };
}

interface Engines {
  log: EventLog;
  store: MetricsStore;
  /** The in-process stream worker (embedded only; with Kafka, workers are `npm run streams`). */
  worker?: StreamWorker;
}

/**
 * The event log and store the environment asks for: both embedded (default), or Kafka for ingest
 * and ClickHouse for reads. One of KAFKA_BROKERS and CLICKHOUSE_URL without the other is refused.
 */
async function openEngines(env: ServerEnv, config: OpsConfig, logger: Logger, telemetry: Telemetry): Promise<Engines> {
  if (env.KAFKA_BROKERS && env.CLICKHOUSE_URL) {
    const log = new KafkaEventLog({ brokers: env.KAFKA_BROKERS, logger, clientId: 'ops-server' });
    try {
      const store = await openClickHouseStore({ url: env.CLICKHOUSE_URL, database: env.CLICKHOUSE_DATABASE, config, logger });
      return { log, store };
    } catch (err) {
      await log.close();
      throw err;
    }
  }
  if (env.KAFKA_BROKERS || env.CLICKHOUSE_URL) {
    const missing = env.KAFKA_BROKERS ? 'CLICKHOUSE_URL' : 'KAFKA_BROKERS';
    const present = env.KAFKA_BROKERS ? 'KAFKA_BROKERS' : 'CLICKHOUSE_URL';
    throw new Error(
      `${missing} is not set but ${present} is: the scale-out engines go together (Kafka for events, ClickHouse for metrics). ` +
        `Set ${missing} too, or unset ${present} to run on the embedded engine.`,
    );
  }
  const log: EventLog = new EmbeddedEventLog();
  const store: MetricsStore = new EmbeddedMetricsStore(config);
  const worker: StreamWorker = await startStreamWorker({
    config,
    log,
    store,
    counters: {
      applied: (n) => telemetry.eventsApplied.inc(n),
      duplicates: (n) => telemetry.eventsDuplicate.inc({ source: 'stream' }, n),
      deadLettered: (n) => telemetry.eventsRejected.inc({ source: 'stream' }, n),
    },
    onError: (err) => logger.error({ err }, 'stream worker batch failed; it will be retried'),
  });
  return { log, store, worker };
}
