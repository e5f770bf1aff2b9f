/** `occ_leader` on `/metrics`: 1 on the server that runs alerting and capacity requests, 0 on the others. */
import client from 'prom-client';
import type { Leadership } from './leadership.js';

/** Registers the gauge; it reads the leadership at every scrape. */
export function registerLeaderGauge(registry: client.Registry, leadership: Leadership): void {
  // NOTE: a registry shared by two products (tests) reports the last one wired.
  registry.removeSingleMetric('occ_leader');
  new client.Gauge({
    name: 'occ_leader',
    help: 'Whether this server leads (runs the alerting loop and the capacity requests): 1 or 0',
    registers: [registry],
    collect() {
      this.set(leadership.leading() ? 1 : 0);
    },
  });
}
