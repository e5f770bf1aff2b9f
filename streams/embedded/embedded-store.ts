/**
 * The in-process `MetricsStore`: the incremental engine behind the store port, on a clock that
 * can be replaced in tests.
 */
import { systemClock, type Clock } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import type { ApplyResult, MetricsStore, TeamStarts } from '../metrics-store.js';
import { MetricsEngine } from './metrics-engine.js';

export class EmbeddedMetricsStore implements MetricsStore {
  readonly kind = 'embedded' as const;
  readonly engine: MetricsEngine;

  /** `keepMs`: how long the engine keeps closed tasks and event ids (see MetricsEngine). */
  constructor(config: OpsConfig, private readonly clock: Clock = systemClock, keepMs?: number) {
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

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
