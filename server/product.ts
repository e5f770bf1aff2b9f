/**
 * The composition root: the one place that wires the product from plain values (engines, store,
 * stream worker, simulator, alerting, HTTP and push), used by `npm start` and by tests alike, and
 * that takes it down again in order. Nothing here reads the environment: server/main.ts does, once.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { randomIds, type Clock, type IdSource } from '../contracts/clock.js';
import { loadConfig, type OpsConfig } from '../contracts/config.js';
import type { ServerEnv, SimulatorEnv, VariableLookup } from '../contracts/env.js';
import { createSimulator, type Simulator } from '../seed/simulator.js';
import type { Alerting } from './alerts/alerting.js';
import { createAlerting, type AlertingDeps } from './alerts/create-alerting.js';
import { createApp, type App } from './app.js';
import { productVersion, recordAuthBurst, recordChatGiveUp, startRecord } from './audit/audit-records.js';
import { mountDemoPartners, type DemoPartnerMount } from './demo-partners.js';
import { openEngines, type EngineChoice, type Engines } from './engines.js';
import { embeddedLeadership, kafkaLeadership, type LeadershipWiring } from './leadership/several-servers.js';
import type { Leadership } from './leadership/leadership.js';
import { registerLeaderGauge } from './leadership/leader-gauge.js';
import { countCapacityChanges, createTelemetry, type Telemetry } from './telemetry.js';
import { webhookSecrets } from './webhook-secrets.js';
import { fhirSimulatorSink } from './fhir/simulator-sink.js';
import type { FhirIngest } from './fhir/fhir-ingest.js';
import { fhirSourceProblem } from '../seed/fhir-task-source.js';
import { startChatNotices, type ChatNotices, type ChatNoticesDeps } from './chat/chat-notices.js';

export interface ProductDeps {
  config: OpsConfig;
  logger: Logger;
  clock: Clock;
  ids?: IdSource;
  /** Default: the embedded engines. */
  engines?: EngineChoice;
  /** Runs the simulator (and the demo partners) in process with these settings. */
  simulator?: Omit<SimulatorEnv, 'configPath'>;
  /** Webhook secrets and demo partner tokens, by variable name. */
  env?: VariableLookup;
  /** Push interval (default 1000 ms). */
  tickMs?: number;
  /** RETENTION_DAYS: ingest rejects `occurred_at` older than this as too old (default 35). */
  retentionDays?: number;
  /** Tests: how the alerting delivers and how often it evaluates. */
  alerting?: Pick<AlertingDeps, 'fetch' | 'delivery' | 'wallClock' | 'evaluateEveryMs' | 'random' | 'lifecycle'>;
  /** Tests: how chat messages are delivered. */
  chat?: Pick<ChatNoticesDeps, 'fetch' | 'delivery' | 'wallClock' | 'random' | 'checkEveryMs'>;
  /** Several servers on Kafka: how soon a dead leader is replaced (default 10 s). */
  leaderSessionTimeoutMs?: number;
  telemetry?: Telemetry;
}

/** The steps of a shutdown, in the order they run: stop taking work, drain, flush, commit, disconnect. */
export const SHUTDOWN_STEPS = ['simulator', 'alerting', 'http', 'worker', 'event log', 'store'] as const;
export type ShutdownStep = (typeof SHUTDOWN_STEPS)[number];

export interface Product extends Engines {
  config: OpsConfig;
  clock: Clock;
  app: App;
  alerting: Alerting;
  /** Whether this server runs the alerting and capacity requests (always, on the embedded engines). */
  leadership: Leadership;
  /** Teams' chat channels, told of alert changes by the leading server. */
  chat: ChatNotices;
  simulator?: Simulator;
  telemetry: Telemetry;
  /** Listens on `host:port` (0: any free port); resolves with the URL. */
  listen(port: number, host: string): Promise<string>;
  /** Starts the work loops: the simulator's backfill then live events, and the alerting loop. */
  start(): void;
  /** Stops everything in SHUTDOWN_STEPS order; resolves with the steps it took. */
  stop(): Promise<ShutdownStep[]>;
}

const NO_VARIABLES: VariableLookup = { variable: () => undefined };

/** Wires the product; nothing listens or runs until `listen` and `start`. */
export async function createProduct(deps: ProductDeps): Promise<Product> {
  const { config, logger, clock } = deps;
  const env = deps.env ?? NO_VARIABLES;
  const fhirProblem = deps.simulator?.format === 'fhir' ? fhirSourceProblem(config) : undefined;
  if (fhirProblem) throw new Error(fhirProblem);
  const telemetry = deps.telemetry ?? createTelemetry();
  const engines = await openEngines(deps.engines ?? {}, { config, logger, telemetry, clock, retentionDays: deps.retentionDays ?? 35 });
  const { log, store, worker } = engines;
  const ids = deps.ids ?? randomIds;
  await recordStart(engines, config, clock, ids);
  if (engines.durable) telemetry.dataDirBytes(() => engines.durable!.dataDir.sizeBytes());

  // NOTE: the simulator backfills only an empty store; on a restart it carries on from now, and
  // works off the tasks the stored data holds open (else they would wait on the wall for ever).
  const restarted = engines.durable !== undefined && engines.durable.replayed > 0;
  const carryOver = restarted ? [...engines.durable!.store.engine.openTaskList()] : undefined;
  // NOTE: the FHIR ingest belongs to the app, built below; the simulator sends nothing before start().
  let fhirIngest: FhirIngest | undefined;
  const simulatorLog = deps.simulator?.format === 'fhir' ? fhirSimulatorSink({ config, log, logger, carryOver, fhir: () => fhirIngest! }) : log;
  const simulator =
    deps.simulator &&
    createSimulator({
      config,
      log: simulatorLog,
      logger,
      now: clock,
      backfillHours: restarted ? 0 : deps.simulator.backfillHours,
      carryOver,
      speed: deps.simulator.speed,
      seed: deps.simulator.seed,
    });
  const secrets = webhookSecrets(config, env, Boolean(simulator), logger);
  const demo: DemoPartnerMount | undefined = simulator && mountDemoPartners({ config, secrets, simulator, env, logger });

  // Embedded: this process leads. Kafka: the servers of one ClickHouse database elect one leader.
  const seat: LeadershipWiring =
    log.kind === 'kafka' && deps.engines?.kafkaBrokers
      ? kafkaLeadership({ brokers: deps.engines.kafkaBrokers, log, deployment: deps.engines.clickhouseDatabase ?? 'ops', logger, sessionTimeoutMs: deps.leaderSessionTimeoutMs })
      : embeddedLeadership();
  const alerting = await createAlerting({
    config,
    store,
    capacityStore: engines.capacityStore,
    audit: engines.auditLog,
    alertStore: engines.durable?.alertStore,
    log,
    secret: (name) => secrets.get(name),
    clock,
    ids,
    logger: logger.child({ component: 'alerting' }),
    onNotify: (alert) => telemetry.alertNotifications.inc({ queue: alert.queue }),
    ...seat.alertingDeps,
    ...(demo ? { fetch: demo.fetch } : {}),
    ...deps.alerting,
  });
  countCapacityChanges(alerting, telemetry);
  const leadership = seat.leadership;
  const chat = startChatNotices({
    config,
    alerting,
    leading: () => leadership.leading(),
    secret: (name) => secrets.get(name),
    clock,
    logger: logger.child({ component: 'chat' }),
    onGiveUp: (giveUp) => void recordChatGiveUp(engines.auditLog, clock, ids, giveUp).catch((err: unknown) => logger.error({ err, team: giveUp.team }, 'a chat give-up was NOT recorded on the audit trail')),
    ...deps.chat,
  });
  registerLeaderGauge(telemetry.registry, seat.leadership);

  const app = createApp({
    config,
    log,
    store,
    logger,
    telemetry,
    clock,
    ids,
    tickMs: deps.tickMs,
    awaitVisible: worker ? (offsets) => worker.waitForCommitted(offsets, 5000) : undefined,
    retentionDays: deps.retentionDays,
    alerting,
    capacityStore: engines.capacityStore,
    audit: engines.auditLog,
    onAuthBurst: (address, failures) =>
      void recordAuthBurst(engines.auditLog, clock, ids, address, failures).catch((err: unknown) =>
        logger.error({ err, address }, 'a burst of failed authentication was NOT recorded on the audit trail'),
      ),
    routes: demo?.routes,
  });
  fhirIngest = app.fhir;

  let url: string | undefined;
  let stopping: Promise<ShutdownStep[]> | undefined;
  return {
    ...engines,
    config,
    clock,
    app,
    alerting,
    leadership: seat.leadership,
    chat,
    simulator,
    telemetry,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        app.httpServer.once('error', reject);
        app.httpServer.listen(port, host, () => resolve());
      });
      url = `http://${host}:${(app.httpServer.address() as AddressInfo).port}`;
      demo?.listening(url);
      return url;
    },
    start() {
      const lead = () => void seat.start(alerting).catch((err: unknown) => logger.error({ err }, 'leadership: the election could not be joined; this server does not run alerting'));
      if (!simulator) return lead();
      void simulator
        .backfill()
        .then(({ events }) => {
          logger.info({ events }, 'simulator backfilled history');
          simulator.start();
          // NOTE: alerting starts on the backfilled history, not on a half-written one.
          lead();
        })
        .catch((err: unknown) => logger.error({ err }, 'simulator failed'));
    },
    stop() {
      stopping ??= (async () => {
        const steps: Record<ShutdownStep, () => Promise<unknown>> = {
          simulator: async () => {
            await simulator?.stop();
            demo?.partners.close();
          },
          // Steps down (the loop and deliveries stop) and leaves the election; then it stops for good.
          alerting: async () => {
            await seat.stop();
            await alerting.stop();
            await chat.close();
          },
          http: () => app.close(),
          worker: async () => worker?.stop(),
          'event log': () => log.close(),
          store: async () => {
            await store.close();
            engines.durable?.close();
          },
        };
        for (const step of SHUTDOWN_STEPS) {
          logger.info({ step }, 'shutdown step');
          await steps[step]();
        }
        return [...SHUTDOWN_STEPS];
      })();
      return stopping;
    },
  };
}

/**
 * Puts the start-up on the audit trail (`server.started`: the config's digest, the engines, the
 * version) before anything runs; a trail that cannot be written stops the start, engines closed.
 */
async function recordStart(engines: Engines, config: OpsConfig, clock: Clock, ids: IdSource): Promise<void> {
  try {
    await engines.auditLog.append([startRecord(config, { log: engines.log.kind, store: engines.store.kind }, productVersion(), clock, ids)]);
  } catch (err) {
    await engines.worker?.stop();
    await engines.log.close();
    await engines.store.close();
    throw new Error(`the audit trail did not take the start-up record: ${(err as Error).message}`, { cause: err });
  }
}

export interface Running {
  product: Product;
  url: string;
  stop(): Promise<ShutdownStep[]>;
}

/** Starts the whole product as the environment says, on `clock`; resolves once it listens. */
export async function startProduct(env: ServerEnv, logger: Logger, clock: Clock): Promise<Running> {
  const config = loadConfig(env.OPS_CONFIG);
  const product = await createProduct({
    config,
    logger,
    clock,
    engines: {
      kafkaBrokers: env.KAFKA_BROKERS,
      clickhouseUrl: env.CLICKHOUSE_URL,
      clickhouseDatabase: env.CLICKHOUSE_DATABASE,
      dataDir: env.KAFKA_BROKERS ? undefined : env.DATA_DIR,
    },
    simulator: env.SIMULATOR === 'on' ? env.simulator : undefined,
    env,
    tickMs: env.TICK_MS,
    retentionDays: env.RETENTION_DAYS,
    alerting: {
      evaluateEveryMs: env.ALERT_EVALUATE_MS,
      ...(env.ALERT_HOLD_MS !== undefined && { lifecycle: { holdMs: env.ALERT_HOLD_MS } }),
    },
  });
  let host = env.HOST ?? '127.0.0.1';
  if (product.app.access.open) {
    if (host !== '127.0.0.1') logger.warn({ requested: host }, 'HOST ignored: without access control the server listens on 127.0.0.1 only');
    host = '127.0.0.1';
    logger.warn('NO ACCESS CONTROL: the config has no "access" section, so every API call is allowed. Listening on 127.0.0.1 only. Add access tokens before exposing this server.');
  }
  let url: string;
  try {
    url = await product.listen(env.PORT, host);
  } catch (err) {
    await product.stop();
    throw err;
  }
  product.start();
  logger.info({ url, wall: `${url}/wall`, log: product.log.kind, store: product.store.kind, simulator: env.SIMULATOR, clock: new Date(clock()).toISOString() }, 'Ops Command Center is up');
  return { product, url, stop: () => product.stop() };
}
