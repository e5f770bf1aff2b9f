/**
 * Where capacity request changes go, one at a time and in order: the `CapacityStore` first, then
 * the `ops.capacity-requests` topic (key: `request_id`, so one request's changes stay in order in
 * one partition). A failing write is retried a few times, then logged loudly; the request itself
 * carries on (its state is held in memory and the next change stores it whole again).
 */
import type { EventLog } from '../../contracts/event-log.js';
import { CAPACITY_TOPIC } from '../../contracts/topics.js';
import type { CapacityChange } from '../../contracts/alerts.js';
import type { CapacityStore } from './capacity-store.js';

export interface JournalLogger {
  error(obj: object, msg?: string): void;
}

export class CapacityJournal {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CapacityStore,
    private readonly log: Pick<EventLog, 'append'>,
    private readonly logger: JournalLogger,
    private readonly retryMs = 200,
  ) {}

  /** Queues a change behind those before it. */
  write(change: CapacityChange): void {
    this.tail = this.tail.then(() => this.persist(change));
  }

  /** Resolves once every queued change has been written (or given up on). */
  settled(): Promise<void> {
    return this.tail;
  }

  private async persist(change: CapacityChange): Promise<void> {
    const key = change.request.request_id;
    const stored = await this.withRetries(() => this.store.record(change));
    if (stored) this.logger.error({ err: stored, request: key, change: change.change }, 'capacity change NOT stored');
    const published = await this.withRetries(() => this.log.append(CAPACITY_TOPIC, [{ key, value: JSON.stringify(change) }]));
    if (published) this.logger.error({ err: published, request: key, change: change.change }, `capacity change NOT published to ${CAPACITY_TOPIC}`);
  }

  /** Runs `fn` up to three times; returns the last error, or undefined on success. */
  private async withRetries(fn: () => Promise<unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return undefined;
      } catch (err) {
        if (attempt >= 3) return err;
        await new Promise((resolve) => setTimeout(resolve, this.retryMs * attempt));
      }
    }
  }
}
