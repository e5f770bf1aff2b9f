/**
 * `POST /api/events`: a JSON array or NDJSON of at most 10,000 events. Each item is validated on
 * its own; the valid ones that are new are appended to the event log; the answer names every
 * rejected item by its index. A rejected item never stops the others.
 */
import type { OpsConfig } from '../contracts/config.js';
import type { EventLog } from '../contracts/event-log.js';
import { checkEvent, eventKey, type OpsEvent } from '../contracts/events.js';
import { DomainError } from '../contracts/errors.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import type { MetricsStore } from '../streams/metrics-store.js';

export const MAX_EVENTS_PER_REQUEST = 10_000;

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; reason: string }[];
}

type Item = { ok: true; value: unknown } | { ok: false; reason: string };

/** Splits a body into items: a JSON array, one JSON object, or NDJSON lines. Throws DomainError('invalid'). */
export function splitBody(text: string): Item[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new DomainError('invalid', 'the body is empty: send a JSON array or NDJSON of events');
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new DomainError('invalid', `the body is not JSON: ${(err as Error).message}`);
    }
    return (parsed as unknown[]).map((value) => ({ ok: true, value }));
  }
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== '');
  const items: Item[] = lines.map((line, i) => {
    try {
      return { ok: true, value: JSON.parse(line) };
    } catch {
      return { ok: false, reason: `line ${i + 1} is not JSON` };
    }
  });
  if (items.every((item) => !item.ok)) throw new DomainError('invalid', 'the body is not JSON: send a JSON array or NDJSON of events');
  return items;
}

export interface IngestDeps {
  config: OpsConfig;
  log: EventLog;
  store: MetricsStore;
  clock: () => number;
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
  const recent = new RecentIds(deps.clock);
  return async function ingest(items: Item[]): Promise<IngestResponse> {
    if (items.length > MAX_EVENTS_PER_REQUEST) {
      throw new DomainError('too_large', `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${items.length}`);
    }
    const now = deps.clock();
    const rejected: IngestResponse['rejected'] = [];
    const valid: OpsEvent[] = [];
    items.forEach((item, index) => {
      if (!item.ok) return rejected.push({ index, reason: item.reason });
      const check = checkEvent(item.value, deps.config, now);
      if (check.ok) valid.push(check.event);
      else rejected.push({ index, reason: check.reason });
    });
    const known = valid.length > 0 ? await deps.store.knownEventIds(valid.map((e) => e.event_id)) : new Set<string>();
    const fresh: OpsEvent[] = [];
    const inBatch = new Set<string>();
    for (const event of valid) {
      const id = event.event_id;
      if (known.has(id) || recent.has(id) || inBatch.has(id)) continue;
      inBatch.add(id);
      fresh.push(event);
    }
    if (fresh.length > 0) {
      const offsets = await deps.log.append(
        EVENTS_TOPIC,
        fresh.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
      );
      for (const e of fresh) recent.add(e.event_id);
      await deps.awaitVisible?.(offsets);
    }
    return { accepted: fresh.length, duplicates: valid.length - fresh.length, rejected };
  };
}
