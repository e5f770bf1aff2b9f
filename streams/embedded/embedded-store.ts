/**
 * The in-process `MetricsStore`: the incremental engine behind the store port, on a clock that
 * can be replaced in tests.
 */
import { systemClock, type Clock } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import { DomainError } from '../../contracts/errors.js';
import type { ApplyResult, MetricsStore, PeriodTask, StaffingChange, TeamStarts } from '../metrics-store.js';
import { MetricsEngine } from './metrics-engine.js';

export class EmbeddedMetricsStore implements MetricsStore {
  readonly kind = 'embedded' as const;
  readonly engine: MetricsEngine;

  /**
   * `keepMs`: how long the engine keeps closed tasks and event ids (see MetricsEngine).
   * `periodSource`: where the task events of a period are read back (the durable store's journal).
   */
  constructor(
    config: OpsConfig,
    private readonly clock: Clock = systemClock,
    keepMs?: number,
    private readonly periodSource?: (fromMs: number, toMs: number) => PeriodTask[],
  ) {
    this.engine = new MetricsEngine(config, keepMs);
  }

  async apply(events: readonly OpsEvent[]): Promise<ApplyResult> {
    this.engine.advance(this.clock());
    let applied = 0;
    for (const event of events) if (this.engine.apply(event)) applied++;
    return { applied, duplicates: events.length - applied };
  }

  async knownEventIds(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.engine.hasEvent(id)));
  }

  async snapshot(nowMs: number): Promise<MetricsSnapshot> {
    return this.engine.snapshot(nowMs);
  }

  async history(queue: string | readonly string[] | undefined, minutes: number, nowMs: number): Promise<MetricsHistory> {
    return this.engine.history(queue, minutes, nowMs);
  }

  async teamStarts(fromMs: number, toMs: number): Promise<TeamStarts[]> {
    return this.engine.teamStarts(fromMs, toMs);
  }

  async staffingHistory(fromMs: number, toMs: number): Promise<StaffingChange[]> {
    return this.engine.staffingChanges(fromMs, toMs);
  }

  async periodTasks(fromMs: number, toMs: number): Promise<PeriodTask[]> {
    if (!this.periodSource) {
      throw new DomainError(
        'unavailable',
        'the recorded events of a period are not kept by this server: the in-memory embedded store keeps no assignment times. Start it with DATA_DIR (the durable embedded store) or on Kafka and ClickHouse.',
      );
    }
    return this.periodSource(fromMs, toMs);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
