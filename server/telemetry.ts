/** Prometheus metrics of one server instance (its own registry: no module-level state). */
import client from 'prom-client';
import type { Alerting } from './alerts/alerting.js';

export type Telemetry = ReturnType<typeof createTelemetry>;

/** Creates the registry and the instruments the server and the pipeline report to. */
export function createTelemetry() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'occ_' });
  const eventsAccepted = new client.Counter({ name: 'occ_events_accepted_total', help: 'Events accepted at ingest', registers: [registry] });
  const eventsRejected = new client.Counter({ name: 'occ_events_rejected_total', help: 'Events rejected, by where', labelNames: ['source'] as const, registers: [registry] });
  const eventsDuplicate = new client.Counter({ name: 'occ_events_duplicate_total', help: 'Events whose event_id was already taken', labelNames: ['source'] as const, registers: [registry] });
  const eventsApplied = new client.Counter({ name: 'occ_events_applied_total', help: 'Events applied to the metrics store by the stream worker', registers: [registry] });
  const snapshotSeconds = new client.Histogram({
    name: 'occ_snapshot_seconds',
    help: 'Time to compute a metrics snapshot',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const viewComputations = new client.Counter({ name: 'occ_view_computations_total', help: 'Per-view snapshots computed for push', registers: [registry] });
  const socketClients = new client.Gauge({ name: 'occ_socket_clients', help: 'Connected Socket.IO clients', registers: [registry] });
  const alertNotifications = new client.Counter({ name: 'occ_alert_notifications_total', help: 'Alert notifications sent, by queue', labelNames: ['queue'] as const, registers: [registry] });
  const capacityChanges = new client.Counter({ name: 'occ_capacity_request_changes_total', help: 'Capacity request state changes, by state', labelNames: ['state'] as const, registers: [registry] });
  /** Disk used by the embedded default's data directory, read at each scrape. */
  const dataDirBytes = (read: () => number) =>
    new client.Gauge({ name: 'occ_data_dir_bytes', help: 'Bytes on disk of the data directory (DATA_DIR)', registers: [registry], collect() { this.set(read()); } });
  return { registry, dataDirBytes, eventsAccepted, eventsRejected, eventsDuplicate, eventsApplied, snapshotSeconds, viewComputations, socketClients, alertNotifications, capacityChanges };
}

/** Counts capacity request state changes for Prometheus. */
export function countCapacityChanges(alerting: Alerting, telemetry: Telemetry): void {
  let seen = new Map<string, string>();
  alerting.desk.onChange((requests) => {
    const next = new Map(requests.map((r) => [r.request_id, r.state]));
    for (const [id, state] of next) if (seen.get(id) !== state) telemetry.capacityChanges.inc({ state });
    seen = next;
  });
}
