/**
 * The demo's partners (seed/partners.ts) mounted in the product when the simulator runs in
 * process: they receive the signed capacity requests at `/demo/partners/<team>/capacity` and
 * answer over the real API, as a partner's system would.
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { OpsConfig } from '../contracts/config.js';
import type { VariableLookup } from '../contracts/env.js';
import { createDemoPartners, type DemoPartners } from '../seed/partners.js';
import type { Simulator } from '../seed/simulator.js';

export const DEMO_PARTNERS_PATH = '/demo/partners';

export interface DemoPartnerMount {
  partners: DemoPartners;
  routes: Record<string, RequestHandler>;
  /** The server's URL, once it listens: where the answers go. */
  listening(url: string): void;
  /**
   * The capacity desk's fetch in the demo: a webhook URL on loopback under `/demo/partners/` goes
   * to this server whatever port the config names (the shipped config says 3000; `PORT=4200` works too).
   */
  fetch: typeof fetch;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `target` moved onto `serverUrl` when it names a demo partner on loopback; otherwise unchanged. */
export function demoPartnerUrl(target: string, serverUrl: string): string {
  const url = new URL(target);
  if (!serverUrl || !LOOPBACK.has(url.hostname) || !url.pathname.startsWith(`${DEMO_PARTNERS_PATH}/`)) return target;
  return new URL(`${url.pathname}${url.search}`, serverUrl).href;
}

export function mountDemoPartners(o: {
  config: OpsConfig;
  secrets: Map<string, string>;
  simulator: Pick<Simulator, 'addAgents'>;
  env: VariableLookup;
  logger: Logger;
}): DemoPartnerMount {
  let url = '';
  const partners = createDemoPartners({
    config: o.config,
    secret: (name) => o.secrets.get(name),
    simulator: o.simulator,
    serverUrl: () => url,
    token: (team) => o.env.variable(`DEMO_PARTNER_TOKEN_${team.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`),
    logger: o.logger.child({ component: 'demo-partners' }),
  });
  return {
    partners,
    routes: { [DEMO_PARTNERS_PATH]: partners.router },
    listening(serverUrl) {
      url = serverUrl;
      warnAboutDemoUrls(o.config, serverUrl, o.logger);
    },
    fetch: (input, init) => globalThis.fetch(typeof input === 'string' ? demoPartnerUrl(input, url) : input, init),
  };
}

function warnAboutDemoUrls(config: OpsConfig, serverUrl: string, logger: Logger): void {
  const here = new URL(serverUrl);
  for (const team of config.teams) {
    const url = team.capacity ? new URL(team.capacity.webhook_url) : undefined;
    if (!url || !url.pathname.startsWith(`${DEMO_PARTNERS_PATH}/`)) continue;
    if (!LOOPBACK.has(url.hostname) && url.hostname !== here.hostname) {
      logger.warn({ partner: team.id, webhook_url: url.href, server: serverUrl }, 'demo partner webhook_url does not point at this server: it will not receive capacity requests');
    }
  }
}
