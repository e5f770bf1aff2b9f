/**
 * The `AlertStore` port: where the alert book is kept so that alerts, their lifecycle and their
 * acknowledgements outlive a restart. The durable embedded default keeps it in SQLite
 * (sqlite-alert-store.ts); without one (tests, the Kafka + ClickHouse servers) alerts live in
 * memory and are raised again from the data after a restart.
 */
import type { StoredAlert } from './alert-book.js';

export interface AlertStore {
  /** Stores these alerts as they are now (one row per alert id); resolves once durable. */
  save(alerts: readonly StoredAlert[]): Promise<void>;
  /** Alerts updated since `sinceMs`. */
  load(sinceMs: number): Promise<StoredAlert[]>;
}
