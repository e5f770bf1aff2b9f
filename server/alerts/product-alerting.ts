/**
 * The alerting as the product runs it (runtime.ts): the capacity store that matches the metrics
 * store, webhook secrets from the environment, the desk, the alerting loop, Prometheus counters,
 * and, when the simulator runs in process, the demo partners that answer capacity requests.
 */
import client from 'prom-client';
import type { Logger } from 'pino';
import { createDemoPartners, type DemoPartners } from '../../seed/partners.js';
import type { VariableLookup } from '../../contracts/env.js';
import type { Simulator } from '../../seed/simulator.js';
import type { ClickHouseStore } from '../../streams/clickhouse/clickhouse-store.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { EventLog } from '../../contracts/event-log.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import { CapacityDesk } from '../capacity/capacity-desk.js';
import { EmbeddedCapacityStore, type CapacityStore } from '../capacity/capacity-store.js';
import { ClickHouseCapacityStore } from '../capacity/clickhouse-capacity-store.js';
import { generateSecret } from '../capacity/signing.js';
import type { Telemetry } from '../telemetry.js';
import { Alerting } from './alerting.js';

export const DEMO_PARTNERS_PATH = '/demo/partners';

export interface ProductAlertingOptions {
  config: OpsConfig;
  store: MetricsStore;
  log: EventLog;
  logger: Logger;
  telemetry: Telemetry;
  env: VariableLookup;
  /** The in-process simulator, if it runs: then the demo partners run too. */
  simulator?: Pick<Simulator, 'addAgents'>;
}

export interface ProductAlerting {
  alerting: Alerting;
  /** Routes outside `/api` for createApp (the demo partners). */
  routes: Record<string, import('express').RequestHandler>;
  /** Starts evaluating; `url` is where the server listens (the demo partners answer there). */
  start(url: string): void;
  stop(): Promise<void>;
}

/** Builds the alerting from the product's engines and environment; restores stored capacity requests. */
export async function createProductAlerting(o: ProductAlertingOptions): Promise<ProductAlerting> {
  const { config, logger } = o;
  const secrets = webhookSecrets(config, o.env, Boolean(o.simulator), logger);
  const capacityStore: CapacityStore =
    o.store.kind === 'clickhouse'
      ? new ClickHouseCapacityStore((o.store as ClickHouseStore).client, (o.store as ClickHouseStore).database)
      : new EmbeddedCapacityStore();
  const desk = new CapacityDesk({ config, store: capacityStore, log: o.log, secret: (name) => secrets.get(name), clock: Date.now, logger: logger.child({ component: 'capacity' }) });
  await desk.restore();

  const notifications = new client.Counter({ name: 'occ_alert_notifications_total', help: 'Alert notifications sent, by queue', labelNames: ['queue'] as const, registers: [o.telemetry.registry] });
  const capacityChanges = new client.Counter({ name: 'occ_capacity_request_changes_total', help: 'Capacity request state changes, by state', labelNames: ['state'] as const, registers: [o.telemetry.registry] });
  let seen = new Map<string, string>();
  desk.onChange((requests) => {
    const next = new Map(requests.map((r) => [r.request_id, r.state]));
    for (const [id, state] of next) if (seen.get(id) !== state) capacityChanges.inc({ state });
    seen = next;
  });

  const alerting = new Alerting({
    config,
    store: o.store,
    desk,
    clock: Date.now,
    logger: logger.child({ component: 'alerting' }),
    onNotify: (alert) => notifications.inc({ queue: alert.queue }),
  });

  let url = '';
  let demo: DemoPartners | undefined;
  if (o.simulator) {
    demo = createDemoPartners({
      config,
      secret: (name) => secrets.get(name),
      simulator: o.simulator,
      serverUrl: () => url,
      token: (team) => o.env.variable(`DEMO_PARTNER_TOKEN_${team.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`),
      logger: logger.child({ component: 'demo-partners' }),
    });
  }

  return {
    alerting,
    routes: demo ? { [DEMO_PARTNERS_PATH]: demo.router } : {},
    start(serverUrl) {
      url = serverUrl;
      if (demo) warnAboutDemoUrls(config, serverUrl, logger);
      alerting.start();
    },
    async stop() {
      demo?.close();
      await alerting.stop();
    },
  };
}

/**
 * Webhook secrets by environment variable name. Secrets come from the environment only; when
 * the demo partners run and a partner's secret is unset, a fresh one is made for this process
 * (both ends live here), and said so.
 */
function webhookSecrets(config: OpsConfig, env: VariableLookup, demo: boolean, logger: Logger): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const team of config.teams) {
    const name = team.capacity?.secret_env;
    if (!name) continue;
    const value = env.variable(name);
    if (value) secrets.set(name, value);
    else if (demo) {
      secrets.set(name, generateSecret());
      logger.info({ partner: team.id, variable: name }, 'demo: webhook secret unset, using a fresh one for this process');
    } else {
      logger.warn({ partner: team.id, variable: name }, `${name} is not set: capacity requests to ${team.id} cannot be signed and will escalate past it`);
    }
  }
  return secrets;
}

function warnAboutDemoUrls(config: OpsConfig, serverUrl: string, logger: Logger): void {
  const here = new URL(serverUrl);
  for (const team of config.teams) {
    const url = team.capacity ? new URL(team.capacity.webhook_url) : undefined;
    if (!url || !url.pathname.startsWith(`${DEMO_PARTNERS_PATH}/`)) continue;
    if (url.port !== here.port || !['127.0.0.1', 'localhost', here.hostname].includes(url.hostname)) {
      logger.warn({ partner: team.id, webhook_url: url.href, server: serverUrl }, 'demo partner webhook_url does not point at this server: it will not receive capacity requests');
    }
  }
}
