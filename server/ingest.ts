/**
 * `POST /api/events`: a JSON array or NDJSON of at most 10,000 events. Each item is validated on
 * its own; the valid ones that are new are appended to the event log; the answer names every
 * rejected item by its index (the array index, or the NDJSON line number). A rejected item never
 * stops the others, and its reason never echoes a value that is not an opaque id.
 */
import type { OpsConfig } from '../contracts/config.js';
import type { EventLog } from '../contracts/event-log.js';
import { checkEvent, eventKey, type OpsEvent } from '../contracts/events.js';
import { DomainError } from '../contracts/errors.js';
import type { BodyItem } from './ingest-body.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import type { MetricsStore } from '../streams/metrics-store.js';

export const MAX_EVENTS_PER_REQUEST = 10_000;

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; reason: string }[];
}

export { splitBody, type BodyItem } from './ingest-body.js';

export interface IngestDeps {
  config: OpsConfig;
  log: EventLog;
  store: MetricsStore;
  clock: () => number;
  /** `occurred_at` older than this many days is rejected as too old (default: the contract's 35). */
  retentionDays?: number;
  /** Waits until what was appended is visible in the store (embedded: the in-process worker). */
  awaitVisible?(offsets: Map<number, number>): Promise<unknown>;
}

/**
 * Ids appended by this process recently: they may not have reached the store yet, and a quick
 * resend must still count as a duplicate. Two generations, rotated every minute.
 */
class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt = 0;

  constructor(private readonly clock: () => number) {}

  has(id: string): boolean {
    return this.current.has(id) || this.previous.has(id);
  }

  add(id: string): void {
    const now = this.clock();
    if (now - this.rotatedAt > 60_000) {
      this.previous = this.current;
      this.current = new Set();
      this.rotatedAt = now;
    }
    this.current.add(id);
  }
}

/** Creates the ingest operation behind `POST /api/events`. */
export function createIngest(deps: IngestDeps) {
  // NOTE: where ingest waits until appended events are visible in the store (embedded), only ids
  // between the store look-up and that moment need holding; otherwise (Kafka, whose store lags)
  // a minute of recent ids does.
  const recent = deps.awaitVisible ? undefined : new RecentIds(deps.clock);
  const inFlight = new Set<string>();
  /** `onFresh` hears the item index of each new event once it is stored (the FHIR answer tells a Task's new events from those already held). */
  return async function ingest(items: BodyItem[], onFresh?: (index: number) => void): Promise<IngestResponse> {
    if (items.length > MAX_EVENTS_PER_REQUEST) {
      throw new DomainError('too_large', `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${items.length}`);
    }
    const now = deps.clock();
    const rejected: IngestResponse['rejected'] = [];
    const valid: OpsEvent[] = [];
    const indexOf = new Map<OpsEvent, number>();
    for (const item of items) {
      if (!item.ok) {
        rejected.push({ index: item.index, reason: item.reason });
        continue;
      }
      const check = checkEvent(item.value, deps.config, now, { retentionDays: deps.retentionDays });
      if (check.ok) {
        valid.push(check.event);
        indexOf.set(check.event, item.index);
      } else rejected.push({ index: item.index, reason: check.reason });
    }
    const known =
      valid.length > 0
        ? await deps.store.knownEventIds(valid.map((e) => e.event_id)).catch((err: unknown) => {
            // NOTE: a store that cannot say what it holds is an outage (ClickHouse down), not a bad request.
            throw new DomainError('unavailable', 'the store did not answer whether these events are new; none of them is confirmed, send them again', undefined, { cause: err });
          })
        : new Set<string>();
    // TRICKY: from here to the append there is no await, so a concurrent request sees these ids in flight.
    const fresh: OpsEvent[] = [];
    for (const event of valid) {
      const id = event.event_id;
      if (known.has(id) || inFlight.has(id) || recent?.has(id)) continue;
      inFlight.add(id);
      fresh.push(event);
    }
    if (fresh.length === 0) return { accepted: 0, duplicates: valid.length, rejected };
    try {
      const offsets = await deps.log.append(
        EVENTS_TOPIC,
        fresh.map((e) => ({ key: eventKey(e), value: JSON.stringify(e), validated: e })),
      );
      if (recent) for (const e of fresh) recent.add(e.event_id);
      await deps.awaitVisible?.(offsets);
    } finally {
      for (const e of fresh) inFlight.delete(e.event_id);
    }
    if (onFresh) for (const e of fresh) onFresh(indexOf.get(e)!);
    return { accepted: fresh.length, duplicates: valid.length - fresh.length, rejected };
  };
}

/**
 * What a log line may say about rejections: how many, and for the first few their index and what
 * they are about (field or rule), with anything quoted left out: logs never hold a rejected value.
 */
export function rejectionSummary(rejected: IngestResponse['rejected'], first = 5) {
  return {
    count: rejected.length,
    first: rejected.slice(0, first).map((r) => ({ index: r.index, about: r.reason.split(':')[0].replace(/"[^"]*"/g, '"…"') })),
  };
}
