/**
 * The ClickHouse `MetricsStore`. Writes: per batch, the earlier state of the batch's tasks comes
 * from a cache (filled from `task_state`), each new event is folded into it (task-state.ts, as in
 * the embedded engine), and one INSERT carries the raw events, the new states and the net
 * aggregate changes. Event ids already stored are skipped, so a replayed batch changes nothing.
 * Reads: snapshot and history queries over the aggregate tables (snapshot-queries.ts), whose cost
 * follows the open tasks and the time range asked for, not the length of history.
 */
import type { Logger } from 'pino';
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import type { ApplyResult, MetricsStore } from '../metrics-store.js';
import { blankContribution, contributionOf, foldTaskEvent, moveContribution, newTask, type TaskState } from '../task-state.js';
import { BatchRows } from './batch-rows.js';
import { clientOver, type ClickHouseClientLike, type ClickHouseConnection } from './clickhouse-port.js';
import { openHttpConnection } from './http-connection.js';
import { migrate } from './migrate.js';
import { readHistory, readSnapshot } from './snapshot-queries.js';
import { ident, inList, sql } from './sql.js';

export interface ClickHouseStoreOptions {
  /** e.g. http://127.0.0.1:8123 (CLICKHOUSE_URL): the product's HTTP connection. */
  url?: string;
  /** Or a connection already open (chdb-connection.ts in the tests); the store closes it on close(). */
  connection?: ClickHouseConnection;
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
  /** The connection it uses, for the capacity store, the audit trail, tests and tools. */
  readonly connection: ClickHouseConnection;
  /** @deprecated `connection` instead: the former client's `command`/`query({ query })`, over the connection. */
  readonly client: ClickHouseClientLike;
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

/** Opens the store on `connection`, or over HTTP to `url`: applies migrations, returns the port. */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const database = options.database ?? 'ops';
  const db = ident(database);
  if (!options.connection === !options.url) throw new TypeError('openClickHouseStore takes either a url or a connection');
  const connection = options.connection ?? openHttpConnection({ url: options.url! });
  if (options.migrate !== false) {
    try {
      const applied = await migrate(connection, database);
      if (applied.length > 0) options.logger?.info({ database, applied }, 'ClickHouse migrations applied');
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
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
      const found = await connection.query<{ event_id: string }>(sql`SELECT event_id FROM ${db}.events WHERE event_id IN ${inList(chunk)}`);
      for (const r of found) known.add(r.event_id);
    }
    return known;
  }

  async function loadStates(taskIds: string[]): Promise<void> {
    const missing = taskIds.filter((id) => !cache.has(id));
    for (let i = 0; i < missing.length; i += 10_000) {
      const chunk = missing.slice(i, i + 10_000);
      for (const r of await connection.query<StateRow>(sql`SELECT * FROM ${db}.task_state FINAL WHERE task_id IN ${inList(chunk)}`)) {
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
    connection,
    client: clientOver(connection),
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
      await connection.insert(sql`${db}.ingest`, rows.rows());

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
      return readSnapshot(connection, database, config, nowMs);
    },

    history(queue: string | readonly string[] | undefined, minutes: number, nowMs: number): Promise<MetricsHistory> {
      return readHistory(connection, database, config, queue, minutes, nowMs);
    },

    ping(): Promise<void> {
      return connection.ping();
    },

    close(): Promise<void> {
      return connection.close();
    },
  };
  return store;
}
