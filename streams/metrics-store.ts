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
  /**
   * First starts (SPEC section 3) at `occurred_at` in (fromMs, toMs], per queue and team of the
   * start: the partner scorecard's task figures (SPEC section 11). Pairs that started nothing are left out.
   */
  teamStarts(fromMs: number, toMs: number): Promise<TeamStarts[]>;
  /**
   * Staffing per queue and team over [fromMs, toMs): for each pair the change in effect at
   * `fromMs` (the latest at or before it), then every change in (fromMs, toMs); sorted by time,
   * queue, team and event id. The what-if's recorded staffing and the scorecard's agent-hours.
   */
  staffingHistory(fromMs: number, toMs: number): Promise<StaffingChange[]>;
  /**
   * Every task with an event at `occurred_at` in [fromMs, toMs), with the first time of each kind
   * of its events in that range (SPEC 12's recorded period); sorted by task id. Throws
   * DomainError('unavailable') where the store keeps no such history (the in-memory embedded store).
   */
  periodTasks(fromMs: number, toMs: number): Promise<PeriodTask[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * For a store that owns partitions (ClickHouse): applies batches read from the log, each of one
   * partition, in one write. Events at offsets already written are replays and count as duplicates.
   * Called concurrently only for disjoint partitions.
   */
  applyPartitions?(batches: readonly PartitionBatch[]): Promise<ApplyResult>;
  /**
   * The stream worker's partitions of `topic` changed: state held for others is dropped, new ones
   * are loaded before their first batch. `ends`: the log's end offset per partition.
   */
  assign?(topic: string, partitions: readonly number[], ends: Promise<ReadonlyMap<number, number>>): void;
}

/** The first starts of one team on one queue in a time range. */
export interface TeamStarts {
  queue: string;
  team: string;
  starts: number;
  /** Starts whose wait was within the queue's SLA target. */
  attained: number;
  /** The waits (ms, first start - created), ascending, one per start. */
  waitsMs: Float64Array;
}

/** A staffing.updated as stored: `agents` of `team` on `queue` from `atMs` until the pair's next change. */
export interface StaffingChange {
  queue: string;
  team: string;
  atMs: number;
  eventId: string;
  agents: number;
}

/** A task's first times within a read range (null: no such event in it). */
export interface PeriodTask {
  taskId: string;
  /** The smallest queue of its task.created events, else of all its events (they agree in practice). */
  queue: string;
  createdAt: number | null;
  /** When an agent was first held by it: its first task.assigned or task.started. */
  heldAt: number | null;
  startAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
}

/** What a stream worker read from one partition, validated. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  events: readonly OpsEvent[];
  /** The offset each event was read at. */
  offsets: readonly number[];
  /** The batch's last offset, dead-lettered records included. */
  lastOffset: number;
}
