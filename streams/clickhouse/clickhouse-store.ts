/**
 * The ClickHouse `MetricsStore` (work in progress: the API below is fixed, the body lands next).
 */
import type { Logger } from 'pino';
import type { OpsConfig } from '../config.js';
import type { OpsEvent } from '../events.js';
import type { MetricsHistory, MetricsSnapshot } from '../metrics-snapshot.js';
import type { ApplyResult, MetricsStore } from '../metrics-store.js';

export interface ClickHouseStoreOptions {
  /** e.g. http://127.0.0.1:8123 (CLICKHOUSE_URL). */
  url: string;
  /** Database name; default `ops`. Tests use their own. */
  database?: string;
  config: OpsConfig;
  logger?: Logger;
  /** Apply migrations at open (default true). */
  migrate?: boolean;
}

export interface ClickHouseStore extends MetricsStore {
  readonly kind: 'clickhouse';
  /** Forget cached task states (call when the worker's partition assignment changes). */
  invalidate(): void;
}

/** Opens the store: connects, applies migrations, returns the port. */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  void options;
  throw new Error('ClickHouse store: not implemented yet');
}

export type { ApplyResult, MetricsHistory, MetricsSnapshot, OpsEvent };
