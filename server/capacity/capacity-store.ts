/**
 * The `CapacityStore` port: every state change of every capacity request, in order, and the
 * latest state of each request. Embedded (in memory) by default; ClickHouse when the metrics
 * live there (clickhouse-capacity-store.ts).
 */
import type { CapacityChange, CapacityRequest } from '../../contracts/alerts.js';

export interface CapacityStore {
  readonly kind: 'embedded' | 'clickhouse';
  /** Stores one state change; resolves once it is durable. */
  record(change: CapacityChange): Promise<void>;
  /** The latest state of each request created since `sinceMs`, newest first. */
  latest(sinceMs: number): Promise<CapacityRequest[]>;
  /** Every stored change of one request, oldest first. */
  changes(requestId: string): Promise<CapacityChange[]>;
}

/** Keeps the changes in process; the product's embedded default. */
export class EmbeddedCapacityStore implements CapacityStore {
  readonly kind = 'embedded';
  private readonly byRequest = new Map<string, CapacityChange[]>();

  constructor(private readonly maxRequests = 10_000) {}

  async record(change: CapacityChange): Promise<void> {
    const id = change.request.request_id;
    let list = this.byRequest.get(id);
    if (!list) {
      list = [];
      this.byRequest.set(id, list);
      // NOTE: a Map iterates in insertion order, so the first key is the oldest request.
      if (this.byRequest.size > this.maxRequests) this.byRequest.delete(this.byRequest.keys().next().value!);
    }
    list.push(structuredClone(change));
  }

  async latest(sinceMs: number): Promise<CapacityRequest[]> {
    // Newest first; requests created at the same instant, the later one first (the sort is stable).
    return [...this.byRequest.values()]
      .reverse()
      .map((list) => structuredClone(list[list.length - 1].request))
      .filter((r) => Date.parse(r.created_at) >= sinceMs)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async changes(requestId: string): Promise<CapacityChange[]> {
    return structuredClone(this.byRequest.get(requestId) ?? []);
  }
}
