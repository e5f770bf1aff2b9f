/**
 * The `MetricsStore` port: takes validated events, answers snapshots and history at an instant.
 * The embedded store computes incrementally in process; the ClickHouse store aggregates there.
 */
import type { OpsEvent } from '../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../contracts/metrics-snapshot.js';

export interface ApplyResult {
  applied: number;
  duplicates: number;
}

export interface MetricsStore {
  readonly kind: 'embedded' | 'clickhouse';
  /** Applies validated events; an `event_id` already stored changes nothing and counts as a duplicate. */
  apply(events: readonly OpsEvent[]): Promise<ApplyResult>;
  /** Which of these event ids are already stored. */
  knownEventIds(ids: readonly string[]): Promise<Set<string>>;
  /** All queues at instant `nowMs` (SPEC section 3). */
  snapshot(nowMs: number): Promise<MetricsSnapshot>;
  /**
   * Per-minute series over the last `minutes` of one queue, of a non-empty set of queues combined
   * (a lead limited to teams), or of all queues combined when undefined.
   */
  history(queue: string | readonly string[] | undefined, minutes: number, nowMs: number): Promise<MetricsHistory>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Forgets state cached per partition; the stream worker calls it when its partition assignment
   * changes. Optional: a store that caches nothing (the embedded one) leaves it out.
   */
  invalidate?(): void;
}
