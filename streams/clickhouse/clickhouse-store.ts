/**
 * The ClickHouse `MetricsStore`. Writes: the stream worker owns the Kafka partitions it is assigned
 * and keeps their tasks' states (owned-partitions.ts); per batch each new event is folded into its
 * task's state (task-state.ts, as in the embedded engine) and one INSERT carries the raw events,
 * the new states, the net aggregate changes and the highest offset per partition. No look-up grows
 * with history: replays are recognised by offset, resends by the ids a task holds, new tasks by a
 * filter; only a task evicted from memory is read back. Reads: one snapshot query and the history
 * queries over the aggregate tables (snapshot-queries.ts), whose cost follows the open tasks and
 * the time range asked for, not the length of history.
 */
import type { Logger } from 'pino';
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';
import type { MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot.js';
import type { ApplyResult, MetricsStore, PartitionBatch } from '../metrics-store.js';
import { blankContribution, contributionOf, foldTaskEvent, moveContribution, newTask } from '../task-state.js';
import { BatchRows, INGEST_COLUMNS, KIND } from './batch-rows.js';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { openHttpConnection } from './http-connection.js';
import { migrate } from './migrate.js';
import { isOpen, loadPartition, lookUpTasks, storedEventIds, type OwnedPartition, type OwnedTask } from './owned-partitions.js';
import { readHistory, readSnapshot } from './snapshot-queries.js';
import { ident, inList, sql } from './sql.js';
import { readPeriodTasks, readStaffingHistory } from './period-queries.js';
import { readTeamStarts } from './team-starts-query.js';

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
  /** Closed tasks kept in memory across the owned partitions (default 200,000); open ones are all kept. */
  closedTasksKept?: number;
}

export interface ClickHouseStore extends MetricsStore {
  readonly kind: 'clickhouse';
  /** The connection it uses, for the capacity store, the audit trail, tests and tools. */
  readonly connection: ClickHouseConnection;
  readonly database: string;
  /** Tasks held in memory, open and closed, and look-ups made so far (for tests and benchmarks). */
  stats(): { open: number; closed: number; lookedUp: number };
}

/** `apply()` without a log (tests, tools): one pseudo-partition of no topic, no offsets kept. */
const NO_TOPIC = '';

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
  const { config, logger } = options;
  const closedTasksKept = options.closedTasksKept ?? 200_000;
  /** Loaded (or loading) partitions by `topic|partition`. */
  const owned = new Map<string, Promise<OwnedPartition>>();
  /** The same, once loaded. */
  const loaded = new Map<string, OwnedPartition>();
  /** The log's end offsets of a topic, as the worker last asked at an assignment. */
  const ends = new Map<string, Promise<ReadonlyMap<number, number>>>();
  let lookedUp = 0;

  /** Drops what is held of a partition: it is loaded from ClickHouse again at its next batch. */
  function forget(key: string): void {
    owned.delete(key);
    loaded.delete(key);
  }

  function partitionOf(topic: string, partition: number): Promise<OwnedPartition> {
    const key = `${topic}|${partition}`;
    let loading = owned.get(key);
    if (!loading) {
      const started = (async () => {
        const end = (await ends.get(topic)?.catch(() => undefined))?.get(partition);
        return loadPartition(connection, database, topic, partition, end, logger);
      })();
      owned.set(key, (loading = started));
      started.then(
        (p) => owned.get(key) === started && loaded.set(key, p),
        // A failed load is tried again with the next batch.
        () => owned.get(key) === started && owned.delete(key),
      );
    }
    return loading;
  }

  async function applyPartitions(batches: readonly PartitionBatch[]): Promise<ApplyResult> {
    const parts = await Promise.all(batches.map((b) => partitionOf(b.topic, b.partition)));
    const closedBound = Math.max(1000, Math.floor(closedTasksKept / Math.max(1, owned.size)));
    let applied = 0;
    let duplicates = 0;

    // Tasks and staffing events the partitions do not hold but may have stored: looked up at once.
    const toLookUp = new Set<string>();
    const staffingToCheck: string[] = [];
    for (let i = 0; i < batches.length; i++) {
      const { events, offsets } = batches[i];
      const part = parts[i];
      for (let k = 0; k < events.length; k++) {
        if (offsets[k] <= part.written) continue;
        const e = events[k];
        if (e.type === 'staffing.updated') {
          if (!part.staffingIds.has(e.event_id)) staffingToCheck.push(e.event_id);
        } else if (!part.get(e.task_id) && part.seen.mightHave(e.task_id)) toLookUp.add(e.task_id);
      }
    }
    const [found, storedStaffing] = await Promise.all([
      lookUpTasks(connection, database, [...new Set(parts.map((p) => p.partition))], [...toLookUp]),
      storedEventIds(connection, database, staffingToCheck),
    ]);
    lookedUp += toLookUp.size;

    // Work on copies: the partitions take the new states only once the INSERT has succeeded.
    const rows = new BatchRows();
    const before = blankContribution();
    const after = blankContribution();
    const commits: (() => void)[] = [];
    for (let i = 0; i < batches.length; i++) {
      const { topic, events, offsets, lastOffset } = batches[i];
      const part = parts[i];
      const working = new Map<string, { task: OwnedTask; base: OwnedTask | undefined }>();
      const staffingIds: string[] = [];
      for (let k = 0; k < events.length; k++) {
        const e = events[k];
        if (offsets[k] <= part.written) {
          duplicates++;
          continue;
        }
        if (e.type === 'staffing.updated') {
          if (part.staffingIds.has(e.event_id) || storedStaffing.has(e.event_id) || staffingIds.includes(e.event_id)) {
            duplicates++;
            continue;
          }
          staffingIds.push(e.event_id);
          rows.event(e, Date.parse(e.occurred_at));
          applied++;
          continue;
        }
        let w = working.get(e.task_id);
        if (!w) {
          const base = part.get(e.task_id) ?? found.get(e.task_id);
          const task: OwnedTask = base
            ? { state: { ...base.state }, version: base.version, ids: [...base.ids], openPart: base.openPart }
            : { state: newTask(), version: 0, ids: [], openPart: -1 };
          working.set(e.task_id, (w = { task, base }));
        }
        const { task } = w;
        if (task.ids.includes(e.event_id)) {
          duplicates++;
          continue;
        }
        task.ids.push(e.event_id);
        const at = Date.parse(e.occurred_at);
        rows.event(e, at);
        applied++;
        contributionOf(task.state, before);
        if (foldTaskEvent(task.state, e, at)) moveContribution(before, contributionOf(task.state, after), rows);
      }
      for (const [id, { task, base }] of working) {
        if (task.ids.length === (base?.ids.length ?? 0)) continue; // only duplicates
        task.version += 1;
        rows.state(KIND.state, part.partition, id, task.state, task.ids, task.version);
        if (base && base.openPart >= 0) rows.state(KIND.closedOpen, base.openPart, id, base.state, base.ids, base.version);
        if (isOpen(task.state)) {
          task.openPart = part.partition;
          rows.state(KIND.open, part.partition, id, task.state, task.ids, task.version);
        } else task.openPart = -1;
      }
      if (topic !== NO_TOPIC && lastOffset > part.written) rows.offset(topic, part.partition, lastOffset);
      commits.push(() => {
        for (const [id, { task }] of working) part.keep(id, task, closedBound);
        for (const id of staffingIds) part.keepStaffingId(id);
        if (topic !== NO_TOPIC) part.written = Math.max(part.written, lastOffset);
      });
    }
    const { payload } = rows.finish();
    try {
      await connection.insertTsv(sql`${db}.ingest_v2`, INGEST_COLUMNS, payload);
    } catch (err) {
      // TRICKY: an INSERT that failed on our side (a timeout, a lost connection) may still have been
      // stored. The partitions are loaded again before the retry, so the offsets stored with it make
      // a stored batch a replay rather than a second write.
      for (const b of batches) forget(`${b.topic}|${b.partition}`);
      throw err;
    }
    for (const commit of commits) commit();
    return { applied, duplicates };
  }

  const store: ClickHouseStore = {
    kind: 'clickhouse',
    connection,
    database,
    stats() {
      let open = 0;
      let closed = 0;
      for (const p of loaded.values()) {
        open += p.open.size;
        closed += p.closed.size;
      }
      return { open, closed, lookedUp };
    },

    assign(topic, partitions, partitionEnds) {
      const keep = new Set(partitions.map((p) => `${topic}|${p}`));
      for (const key of [...owned.keys()]) if (key.startsWith(`${topic}|`) && !keep.has(key)) forget(key);
      ends.set(topic, partitionEnds);
    },

    applyPartitions,

    apply(events: readonly OpsEvent[]): Promise<ApplyResult> {
      return applyPartitions([{ topic: NO_TOPIC, partition: 0, events, offsets: events.map(() => Infinity), lastOffset: -1 }]);
    },

    async knownEventIds(ids: readonly string[]): Promise<Set<string>> {
      const unique = [...new Set(ids)];
      const known = new Set<string>();
      for (let i = 0; i < unique.length; i += 10_000) {
        const chunk = unique.slice(i, i + 10_000);
        const found = await connection.query<{ event_id: string }>(sql`SELECT event_id FROM ${db}.events WHERE event_id IN ${inList(chunk)}`);
        for (const r of found) known.add(r.event_id);
      }
      return known;
    },

    snapshot(nowMs: number): Promise<MetricsSnapshot> {
      return readSnapshot(connection, database, config, nowMs);
    },

    history(queue: string | readonly string[] | undefined, minutes: number, nowMs: number): Promise<MetricsHistory> {
      return readHistory(connection, database, config, queue, minutes, nowMs);
    },

    teamStarts(fromMs, toMs) {
      return readTeamStarts(connection, database, config, fromMs, toMs);
    },

    staffingHistory(fromMs, toMs) {
      return readStaffingHistory(connection, database, fromMs, toMs);
    },

    periodTasks(fromMs, toMs) {
      return readPeriodTasks(connection, database, fromMs, toMs);
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
