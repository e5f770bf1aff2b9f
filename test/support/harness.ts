/** A real embedded product for tests: event log, store, stream worker and server, on loopback. */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type App } from '../../server/app.js';
import { sha256Hex } from '../../server/access.js';
import { parseConfig, type OpsConfig } from '../../contracts/config.js';
import { EmbeddedEventLog } from '../../streams/embedded/embedded-event-log.js';
import { EmbeddedMetricsStore } from '../../streams/embedded/embedded-store.js';
import { startStreamWorker, type StreamWorker } from '../../streams/stream-worker.js';

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
  app: App;
  url: string;
  store: EmbeddedMetricsStore;
  log: EmbeddedEventLog;
  worker: StreamWorker;
  close(): Promise<void>;
}

/** Starts the embedded product on 127.0.0.1 with a fixed or given clock. */
export async function startHarness(config: OpsConfig, clock: () => number, tickMs = 60_000): Promise<Harness> {
  const logger = pino({ level: 'silent' });
  const log = new EmbeddedEventLog();
  const store = new EmbeddedMetricsStore(config, clock);
  const worker = await startStreamWorker({ config, log, store, clock });
  const app = createApp({ config, log, store, logger, clock, tickMs, awaitVisible: (o) => worker.waitForCommitted(o, 5000) });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    store,
    log,
    worker,
    async close() {
      await app.close();
      await worker.stop();
      await log.close();
    },
  };
}
