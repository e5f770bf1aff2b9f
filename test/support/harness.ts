/** A real embedded product for tests, wired by the product's own composition root, on loopback. */
import pino, { type Logger } from 'pino';
import { parseConfig, type OpsConfig } from '../../contracts/config.js';
import type { EventLog } from '../../contracts/event-log.js';
import { sha256Hex } from '../../server/access.js';
import type { App } from '../../server/app.js';
import { createProduct, type Product } from '../../server/product.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import type { StreamWorker } from '../../streams/stream-worker.js';

export const TOKENS = {
  viewer: 'viewer-token-0123456789',
  lead: 'lead-token-0123456789',
  leadA: 'lead-a-token-0123456789',
  admin: 'admin-token-0123456789',
  ingest: 'ingest-token-0123456789',
  partner: 'partner-token-0123456789',
};

/** The reference configuration with access tokens for every role. */
export function configWithAccess(base: OpsConfig): OpsConfig {
  const { queueIndex: _q, teamIndex: _t, ...raw } = base;
  const partner = base.teams.find((t) => t.kind === 'partner')!;
  return parseConfig({
    ...raw,
    access: [
      { name: 'wall', role: 'viewer', token_sha256: sha256Hex(TOKENS.viewer) },
      { name: 'lead', role: 'lead', token_sha256: sha256Hex(TOKENS.lead) },
      { name: 'lead-a', role: 'lead', teams: [base.teams[0].id], token_sha256: sha256Hex(TOKENS.leadA) },
      { name: 'admin', role: 'admin', token_sha256: sha256Hex(TOKENS.admin) },
      { name: 'upstream', role: 'ingest', token_sha256: sha256Hex(TOKENS.ingest) },
      { name: 'partner', role: 'partner', team: partner.id, token_sha256: sha256Hex(TOKENS.partner) },
    ],
  });
}

export interface Harness {
  product: Product;
  app: App;
  url: string;
  store: MetricsStore;
  log: EventLog;
  worker: StreamWorker;
  close(): Promise<void>;
}

/**
 * Starts the embedded product (as `npm start` wires it, without the simulator) on 127.0.0.1 with a
 * fixed or given clock; silent unless given a logger (tests that read the log pass one).
 */
export async function startHarness(config: OpsConfig, clock: () => number, tickMs = 60_000, logger: Logger = pino({ level: 'silent' })): Promise<Harness> {
  const product = await createProduct({ config, logger, clock, tickMs });
  const url = await product.listen(0, '127.0.0.1');
  return {
    product,
    app: product.app,
    url,
    store: product.store,
    log: product.log,
    worker: product.worker!,
    async close() {
      await product.stop();
    },
  };
}
