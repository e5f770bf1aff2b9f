/** Prometheus counters of one stream worker process (its own registry). */
import client from 'prom-client';
import type { StreamWorkerCounters } from './stream-worker.js';

export type WorkerTelemetry = ReturnType<typeof createWorkerTelemetry>;

/** Coarse DLQ reason for a label (the full reason is in the DLQ header; labels stay few). */
export function reasonClass(reason: string): 'not_json' | 'unknown_id' | 'invalid' {
  if (reason === 'value is not JSON') return 'not_json';
  if (/^(queue|team): .* is not a (queue|team) in the configuration$/.test(reason)) return 'unknown_id';
  return 'invalid';
}

/** Creates the registry and the counters the worker reports to. */
export function createWorkerTelemetry() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'occ_streams_' });
  const applied = new client.Counter({ name: 'occ_streams_events_applied_total', help: 'Events written to the store (new ones)', registers: [registry] });
  const duplicates = new client.Counter({ name: 'occ_streams_events_duplicate_total', help: 'Events the store already held (replays, resends)', registers: [registry] });
  const deadLettered = new client.Counter({
    name: 'occ_streams_events_dead_lettered_total',
    help: 'Records sent to the DLQ, by reason class',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const writeRows = new client.Histogram({
    name: 'occ_streams_write_rows',
    help: 'Events per store write',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10_000, 20_000, 50_000],
    registers: [registry],
  });
  const writeSeconds = new client.Histogram({
    name: 'occ_streams_write_seconds',
    help: 'Store write latency',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const writeFailures = new client.Counter({ name: 'occ_streams_write_failures_total', help: 'Store or DLQ writes that failed and were retried', registers: [registry] });
  const counters: StreamWorkerCounters = {
    applied: (n) => applied.inc(n),
    duplicates: (n) => duplicates.inc(n),
    deadLettered: (n, reason) => deadLettered.inc({ reason: reasonClass(reason) }, n),
    written: (rows, seconds) => {
      writeRows.observe(rows);
      writeSeconds.observe(seconds);
    },
    writeFailed: () => writeFailures.inc(),
  };
  return { registry, counters };
}
