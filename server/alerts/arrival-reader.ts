/**
 * The arrivals per minute the alerting forecasts with, one series per queue, read from the
 * `MetricsStore`: at first (and after another server led) the bootstrap minutes, then the last
 * `refreshMinutes` at every read, so late events count. Concurrent reads share the one in progress.
 */
import type { HistoryPoint } from '../../contracts/metrics-snapshot.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import { ArrivalSeries, MINUTE_MS } from './forecast.js';

export interface ArrivalReaderOptions {
  queues: readonly string[];
  store: Pick<MetricsStore, 'history'>;
  /** Minutes each series keeps. */
  keepMinutes: number;
  /** History read at the first read (default 7 days, the most the stores keep). */
  bootstrapMinutes?: number;
  /** Minutes re-read at every later read (default 30). */
  refreshMinutes?: number;
}

export class ArrivalReader {
  private readonly series = new Map<string, ArrivalSeries>();
  private bootstrapped = false;
  private reading: Promise<void> | undefined;

  constructor(private readonly o: ArrivalReaderOptions) {
    for (const queue of o.queues) this.series.set(queue, new ArrivalSeries(o.keepMinutes));
  }

  /** Whether the first read has been done. */
  get ready(): boolean {
    return this.bootstrapped;
  }

  /** The series of `queue` (undefined for a queue not in the config). */
  of(queue: string): ArrivalSeries | undefined {
    return this.series.get(queue);
  }

  /** The next read takes the bootstrap minutes again: the series missed what happened meanwhile. */
  rewind(): void {
    this.bootstrapped = false;
  }

  /** Reads the arrivals since the last read (at first the bootstrap minutes) as of `now`. */
  read(now: number): Promise<void> {
    this.reading ??= (async () => {
      const minutes = this.bootstrapped ? (this.o.refreshMinutes ?? 30) : (this.o.bootstrapMinutes ?? 7 * 24 * 60);
      for (const [queue, series] of this.series) feed(series, (await this.o.store.history(queue, minutes, now)).points);
      this.bootstrapped = true;
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }
}

/** Writes history points into a series; leading minutes without arrivals are not history yet. */
function feed(series: ArrivalSeries, points: readonly HistoryPoint[]): void {
  for (const p of points) {
    if (p.arrivals === 0 && !Number.isFinite(series.firstMs)) continue;
    series.set(Math.floor(Date.parse(p.minute) / MINUTE_MS), p.arrivals);
  }
}
