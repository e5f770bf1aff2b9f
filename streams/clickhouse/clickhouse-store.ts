/**
 * The ClickHouse `MetricsStore`. Writes: per batch, the earlier state of the batch's tasks comes
 * from a cache (filled from `task_state`), each new event is folded into it (task-state.ts, as in
 * the embedded engine), and one INSERT carries the raw events, the new states and the net
 * aggregate changes. Event ids already stored are skipped, so a replayed batch changes nothing.
 * Reads: snapshot and history queries over the aggregate tables (snapshot-queries.ts), whose cost
 * follows the open tasks and the time range asked for, not the length of history.
 */
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import type { ApplyResult, MetricsStore } from '../metrics-store.js';
import { blankContribution, contributionOf, foldTaskEvent, moveContribution, newTask, type TaskState } from '../task-state.js';
import { BatchRows } from './batch-rows.js';
import { migrate } from './migrate.js';
import { readHistory, readSnapshot } from './snapshot-queries.js';
import { ident, inList, sql } from './sql.js';

export interface ClickHouseStoreOptions {
  /** e.g. http://127.0.0.1:8123 (CLICKHOUSE_URL). */
  url: string;
  /** Database name; default `ops`. Tests use their own. */
  database?: string;
  config: OpsConfig;
  logger?: Logger;
  /** Apply migrations at open (default true). */
  migrate?: boolean;
  /** Task states kept in memory between batches (default 200,000). */
  cacheSize?: number;
}

export interface ClickHouseStore extends MetricsStore {
  readonly kind: 'clickhouse';
  /** Forget cached task states (call when the worker's partition assignment changes). */
  invalidate(): void;
  /** The underlying client, for tests and tools. */
  readonly client: ClickHouseClient;
  readonly database: string;
}

interface CachedTask {
  state: TaskState;
  version: number;
}

type StateRow = {
  task_id: string;
  queue: string;
  created_at: number | null;
  created_by: string;
  start_at: number | null;
  start_team: string;
  started_by: string;
  completed_at: number | null;
  cancelled_at: number | null;
  version: number;
};

const num = (v: number | null) => (v === null ? NaN : Number(v));

/** Opens the store: connects, applies migrations, returns the port. */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const database = options.database ?? 'ops';
  const db = ident(database);
  const client = createClient({
    url: options.url,
    request_timeout: 30_000,
    // NOTE: 18.16 knows no async_insert and no query parameters; 64-bit integers as JSON numbers.
    // max_query_size: IN lists of a batch's ids exceed the 256 KiB default (values still reach SQL
    // only through the literal formatter; ids are at most 64 characters).
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0, max_query_size: '16777216' },
    log: { level: ClickHouseLogLevel.OFF },
  });
  if (options.migrate !== false) {
    const applied = await migrate(client, database);
    if (applied.length > 0) options.logger?.info({ database, applied }, 'ClickHouse migrations applied');
  }
  const config = options.config;
  const cacheSize = options.cacheSize ?? 200_000;
  /** Insertion-ordered: the oldest entries are dropped first when the cache is full. */
  let cache = new Map<string, CachedTask>();

  async function knownEventIds(ids: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    const known = new Set<string>();
    for (let i = 0; i < unique.length; i += 10_000) {
      const chunk = unique.slice(i, i + 10_000);
      const rs = await client.query({ query: sql`SELECT event_id FROM ${db}.events WHERE event_id IN ${inList(chunk)}`.text, format: 'JSONEachRow' });
      for (const r of (await rs.json()) as { event_id: string }[]) known.add(r.event_id);
    }
    return known;
  }

  async function loadStates(taskIds: string[]): Promise<void> {
    const missing = taskIds.filter((id) => !cache.has(id));
    for (let i = 0; i < missing.length; i += 10_000) {
      const chunk = missing.slice(i, i + 10_000);
      const rs = await client.query({ query: sql`SELECT * FROM ${db}.task_state FINAL WHERE task_id IN ${inList(chunk)}`.text, format: 'JSONEachRow' });
      for (const r of (await rs.json()) as StateRow[]) {
        cache.set(r.task_id, {
          version: Number(r.version),
          state: {
            queue: r.queue,
            createdAt: num(r.created_at),
            createdBy: r.created_by,
            startAt: num(r.start_at),
            startTeam: r.start_team,
            startedBy: r.started_by,
            completedAt: num(r.completed_at),
            cancelledAt: num(r.cancelled_at),
          },
        });
      }
    }
  }

  const store: ClickHouseStore = {
    kind: 'clickhouse',
    client,
    database,
    invalidate() {
      cache = new Map();
    },
    knownEventIds,

    async apply(events: readonly OpsEvent[]): Promise<ApplyResult> {
      const known = await knownEventIds(events.map((e) => e.event_id));
      const fresh: OpsEvent[] = [];
      const taken = new Set<string>();
      for (const e of events) {
        if (known.has(e.event_id) || taken.has(e.event_id)) continue;
        taken.add(e.event_id);
        fresh.push(e);
      }
      if (fresh.length === 0) return { applied: 0, duplicates: events.length };
      const taskIds = [...new Set(fresh.flatMap((e) => (e.type === 'staffing.updated' ? [] : [e.task_id])))];
      await loadStates(taskIds);

      // Work on copies: the cache changes only once the INSERT has succeeded.
      const working = new Map<string, CachedTask>();
      for (const id of taskIds) {
        const cached = cache.get(id);
        working.set(id, cached ? { state: { ...cached.state }, version: cached.version } : { state: newTask(), version: 0 });
      }
      const rows = new BatchRows();
      const before = blankContribution();
      const after = blankContribution();
      const changed = new Set<string>();
      for (const e of fresh) {
        rows.event(e);
        if (e.type === 'staffing.updated') continue;
        const task = working.get(e.task_id)!;
        contributionOf(task.state, before);
        if (!foldTaskEvent(task.state, e, Date.parse(e.occurred_at))) continue;
        moveContribution(before, contributionOf(task.state, after), rows);
        changed.add(e.task_id);
      }
      for (const id of changed) {
        const task = working.get(id)!;
        task.version += 1;
        rows.state(id, task.state, task.version);
      }
      await client.insert({ table: `${database}.ingest`, values: rows.rows(), format: 'JSONEachRow' });

      for (const [id, task] of working) {
        cache.delete(id);
        cache.set(id, task);
      }
      if (cache.size > cacheSize) {
        const drop = cache.size - cacheSize;
        let i = 0;
        for (const id of cache.keys()) {
          if (i++ >= drop) break;
          cache.delete(id);
        }
      }
      return { applied: fresh.length, duplicates: events.length - fresh.length };
    },

    snapshot(nowMs: number): Promise<MetricsSnapshot> {
      return readSnapshot(client, database, config, nowMs);
    },

    history(queue: string | readonly string[] | undefined, minutes: number, nowMs: number): Promise<MetricsHistory> {
      return readHistory(client, database, config, queue, minutes, nowMs);
    },

    async ping(): Promise<void> {
      const result = await client.ping();
      if (!result.success) throw result.error;
    },

    async close(): Promise<void> {
      await client.close();
    },
  };
  return store;
}
