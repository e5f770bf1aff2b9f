/**
 * Where capacity request changes go, one at a time and in order: the `CapacityStore` first, then
 * the `ops.capacity-requests` topic (key: `request_id`, so one request's changes stay in order in
 * one partition). `write` resolves once the change is stored (and its publishing was tried); it
 * rejects when the store did not take it after a few retries, and such a change is not published.
 * A publish that keeps failing is logged loudly: the store holds the change, the topic misses it.
 * With an audit log, a stored change that is a request, an answer, an escalation, a give-up or an
 * expiry is also an audit record (SPEC section 10), stored before `write` resolves; an audit write
 * that keeps failing is logged loudly too (the change stands: the capacity store holds it).
 */
import { randomIds, type IdSource } from '../../contracts/clock.js';
import type { EventLog } from '../../contracts/event-log.js';
import { CAPACITY_TOPIC } from '../../contracts/topics.js';
import type { CapacityChange, CapacityRequest } from '../../contracts/alerts.js';
import { backoffDelay, type BackoffPolicy } from '../../streams/backoff.js';
import type { AuditLog } from '../audit/audit-log.js';
import { capacityChangeRecord, type AuditActor } from '../audit/audit-records.js';
import type { CapacityStore } from './capacity-store.js';

export interface JournalLogger {
  error(obj: object, msg?: string): void;
}

export interface JournalRetry {
  /** Tries per write, the first included (default 3). */
  attempts: number;
  /** Between tries (default 200 ms doubling, at most 1 s). */
  backoff: BackoffPolicy;
}

export const DEFAULT_JOURNAL_RETRY: JournalRetry = { attempts: 3, backoff: { baseMs: 200, maxMs: 1000 } };

/** A request as the store last holds it, with the seq of its last change. */
export interface StoredRequest {
  request: CapacityRequest;
  seq: number;
}

type Outcome = { ok: true } | { ok: false; err: unknown };

export class CapacityJournal {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly retry: JournalRetry;
  private readonly random: () => number;
  private readonly audit: AuditLog | undefined;
  private readonly ids: IdSource;
  private readonly headers: Record<string, string> | undefined;

  constructor(
    private readonly store: CapacityStore,
    private readonly log: Pick<EventLog, 'append'>,
    private readonly logger: JournalLogger,
    options: { retry?: Partial<JournalRetry>; random?: () => number; audit?: AuditLog; ids?: IdSource; headers?: Record<string, string> } = {},
  ) {
    this.retry = { ...DEFAULT_JOURNAL_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.audit = options.audit;
    this.ids = options.ids ?? randomIds;
    this.headers = options.headers;
  }

  /**
   * Queues a change behind those before it; resolves once stored (and audited), rejects with the
   * store's error. `by`: who made it (a partner's answer); otherwise the system.
   */
  write(change: CapacityChange, by?: AuditActor): Promise<void> {
    const written = this.tail.then(() => this.persist(change, by));
    // A change the store refused does not hold up the ones behind it.
    this.tail = written.catch(() => undefined);
    return written;
  }

  /** Resolves once every queued change has been written (or given up on). */
  async settled(): Promise<void> {
    await this.tail;
  }

  /** The latest state of each request created since `sinceMs`, oldest first, with its last seq. */
  async load(sinceMs: number): Promise<StoredRequest[]> {
    const latest = (await this.store.latest(sinceMs)).reverse();
    const loaded: StoredRequest[] = [];
    for (const request of latest) {
      // TRICKY: the store's seq must keep growing across restarts, or changes would sort wrong.
      const changes = await this.store.changes(request.request_id);
      loaded.push({ request, seq: changes.at(-1)?.seq ?? 0 });
    }
    return loaded;
  }

  private async persist(change: CapacityChange, by: AuditActor | undefined): Promise<void> {
    const key = change.request.request_id;
    const stored = await this.withRetries(() => this.store.record(change));
    if (!stored.ok) {
      this.logger.error({ err: stored.err, request: key, change: change.change }, 'capacity change NOT stored');
      throw stored.err;
    }
    const record = this.audit && capacityChangeRecord(change, by, this.ids);
    if (record) {
      const audited = await this.withRetries(() => this.audit!.append([record]));
      if (!audited.ok) this.logger.error({ err: audited.err, request: key, change: change.change, audit: record.id }, 'capacity change stored but its audit record NOT stored');
    }
    const published = await this.withRetries(() => this.log.append(CAPACITY_TOPIC, [{ key, value: JSON.stringify(change), ...(this.headers && { headers: this.headers }) }]));
    if (!published.ok) this.logger.error({ err: published.err, request: key, change: change.change }, `capacity change NOT published to ${CAPACITY_TOPIC}`);
  }

  /** Runs `fn` up to `retry.attempts` times on the one backoff schedule. */
  private async withRetries(fn: () => Promise<unknown>): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return { ok: true };
      } catch (err) {
        if (attempt >= this.retry.attempts) return { ok: false, err };
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.retry.backoff, this.random)));
      }
    }
  }
}
