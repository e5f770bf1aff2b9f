/**
 * Snapshot and history over the aggregate tables, computed by ClickHouse. Every read is bounded by
 * what it asks for: open counts and the waiting line (as large as the backlog), the facts of the
 * window or of the minutes asked for (a primary-key range), the latest staffing per team.
 *
 * Quantiles are nearest-rank, as in the embedded engine: over (wait, count) pairs sorted by wait,
 * the first wait whose running count reaches ceil(q * n).
 */
import type { OpsConfig } from '../../contracts/config.js';
import { MINUTE_MS, toHistoryPoints, type RawMinute } from '../embedded/minute-history.js';
import { assembleSnapshot, emptyValues, type MetricsHistory, type MetricsSnapshot, type MetricValues } from '../../contracts/metrics-snapshot.js';
import { FACT } from './batch-rows.js';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { ident, inList, Sql, sql } from './sql.js';

const rows = <T>(connection: ClickHouseConnection, query: Sql): Promise<T[]> => connection.query<T>(query);

/** `transform(queue, ids, values, 0)`: a per-queue constant from the config, as SQL. */
export function perQueue(config: OpsConfig, value: (targetSeconds: number) => number): Sql {
  const ids = config.queues.map((q) => q.id);
  const values = config.queues.map((q) => value(q.sla.target_seconds));
  return sql`toInt64(transform(queue, ${ids}, ${values}, 0))`;
}

/** Aggregates of (wait_ms, c) rows: count, attained, nearest-rank p50 and p90. */
const WAIT_STATS = (config: OpsConfig) => sql`
  sum(c) AS cnt,
  sumIf(c, wait_ms <= ${perQueue(config, (t) => t * 1000)}) AS attained,
  arraySort(x -> x.1, groupArray((wait_ms, c))) AS pairs,
  arrayCumSum(arrayMap(x -> x.2, pairs)) AS cum,
  pairs[arrayFirstIndex(x -> x >= ceil(0.5 * cnt), cum)].1 AS p50_ms,
  pairs[arrayFirstIndex(x -> x >= ceil(0.9 * cnt), cum)].1 AS p90_ms`;

/**
 * One row of the snapshot query, by `k`: 1 open tasks (x started 0/1, y count); 2 the waiting line
 * of a queue (x waiting, y oldest created_at, z breached, p50 past the at-risk mark); 3 window facts
 * (x fact, y count, z attained, p50, p90); 4 latest staffing (x agents).
 */
type SnapshotRow = { k: number; queue: string; team: string; x: number; y: number; z: number; p50: number; p90: number };

/** The snapshot at `nowMs` (SPEC section 3): one query, one round trip. */
export async function readSnapshot(connection: ClickHouseConnection, database: string, config: OpsConfig, nowMs: number): Promise<MetricsSnapshot> {
  const db = ident(database);
  const lo = nowMs - config.window_minutes * MINUTE_MS;
  // NOTE: every branch casts its columns alike: 18.16 refuses a UNION ALL whose types differ.
  const result = await rows<SnapshotRow>(connection, sql`
    SELECT toUInt8(1) AS k, queue, team, toInt64(at) AS x, toInt64(sum(n)) AS y, toInt64(0) AS z, toInt64(0) AS p50, toInt64(0) AS p90
    FROM ${db}.aggregates WHERE fact = ${FACT.open} GROUP BY queue, team, at HAVING y != 0
    UNION ALL
    SELECT toUInt8(2) AS k, queue, toString('') AS team, toInt64(sum(c)) AS x, toInt64(min(created_at)) AS y,
      toInt64(sumIf(c, created_at < ${nowMs} - ${perQueue(config, (t) => t * 1000)})) AS z,
      toInt64(sumIf(c, created_at < ${nowMs} - ${perQueue(config, (t) => t * 800)})) AS p50, toInt64(0) AS p90
    FROM (SELECT queue, at AS created_at, sum(n) AS c FROM ${db}.aggregates WHERE fact = ${FACT.waiting} GROUP BY queue, at HAVING c > 0)
    GROUP BY queue
    UNION ALL
    SELECT toUInt8(3) AS k, queue, team, toInt64(fact) AS x, toInt64(sum(n)) AS y, toInt64(0) AS z, toInt64(0) AS p50, toInt64(0) AS p90
    FROM ${db}.aggregates WHERE fact IN (${FACT.arrival}, ${FACT.completion}) AND at > ${lo} AND at <= ${nowMs}
    GROUP BY queue, team, fact HAVING y > 0
    UNION ALL
    SELECT toUInt8(3) AS k, queue, team, toInt64(${FACT.start}) AS x, toInt64(cnt) AS y, toInt64(attained) AS z, toInt64(p50_ms) AS p50, toInt64(p90_ms) AS p90
    FROM (
      SELECT queue, team, ${WAIT_STATS(config)}
      FROM (
        SELECT queue, team, wait_ms, sum(n) AS c FROM ${db}.aggregates
        WHERE fact = ${FACT.start} AND at > ${lo} AND at <= ${nowMs}
        GROUP BY queue, team, wait_ms HAVING c > 0
      )
      GROUP BY queue, team
    )
    UNION ALL
    SELECT toUInt8(4) AS k, queue, team, toInt64(argMaxMerge(latest)) AS x, toInt64(0) AS y, toInt64(0) AS z, toInt64(0) AS p50, toInt64(0) AS p90
    FROM ${db}.staffing GROUP BY queue, team`);

  const values = new Map<string, MetricValues>(); // key: queue|team ('' for the queue)
  const get = (queue: string, team: string) => {
    let v = values.get(`${queue}|${team}`);
    if (!v) values.set(`${queue}|${team}`, (v = emptyValues()));
    return v;
  };
  // NOTE: staffing last: a queue's total adds its teams' figures to what the other rows set.
  const order = (r: SnapshotRow) => (Number(r.k) === 4 ? 1 : 0);
  for (const r of [...result].sort((a, b) => order(a) - order(b))) {
    const k = Number(r.k);
    if (k === 1) {
      const v = get(r.queue, r.team);
      v.backlog += Number(r.y);
      if (Number(r.x)) v.in_progress += Number(r.y);
    } else if (k === 2) {
      const v = get(r.queue, '');
      v.waiting = Number(r.x);
      v.oldest_wait_seconds = Math.max(0, Math.floor((nowMs - Number(r.y)) / 1000));
      v.breached = Number(r.z);
      v.at_risk = Number(r.p50) - Number(r.z);
    } else if (k === 3) {
      const v = get(r.queue, r.team);
      const n = Number(r.y);
      if (Number(r.x) === FACT.arrival) v.arrivals = n;
      else if (Number(r.x) === FACT.completion) v.completions = n;
      else {
        v.started = n;
        v.wait_p50_seconds = Number(r.p50) / 1000;
        v.wait_p90_seconds = Number(r.p90) / 1000;
        v.sla_attainment = Number(r.z) / n;
      }
    } else {
      get(r.queue, r.team).staffed_agents = Number(r.x);
      get(r.queue, '').staffed_agents += Number(r.x);
    }
  }
  return assembleSnapshot(config, nowMs, (queue) => {
    const teams = new Map<string, MetricValues>();
    for (const [key, v] of values) {
      const [q, team] = key.split('|');
      if (q === queue && team !== '') teams.set(team, v);
    }
    return { all: values.get(`${queue}|`) ?? emptyValues(), teams };
  });
}

type MinuteRow = { minute: number; a: number; c: number; l: number };
type WaitMinuteRow = { minute: number; cnt: number; attained: number; waits: number[] };

/** Per-minute series of one queue, of a set of queues combined, or of all queues combined (SPEC section 4). */
export async function readHistory(
  connection: ClickHouseConnection,
  database: string,
  config: OpsConfig,
  queue: string | readonly string[] | undefined,
  minutes: number,
  nowMs: number,
): Promise<MetricsHistory> {
  const db = ident(database);
  const queues = queue === undefined ? config.queues.map((q) => q.id) : typeof queue === 'string' ? [queue] : [...queue];
  if (queues.length === 0 || !queues.every((q) => config.queueIndex.has(q))) throw new RangeError('unknown queue, or no queue');
  const last = Math.floor(nowMs / MINUTE_MS);
  const first = last - minutes + 1;
  const [counts, backlogRows, waits] = await Promise.all([
    rows<MinuteRow>(connection, sql`
      SELECT at AS minute, sum(arrivals) AS a, sum(completions) AS c, sum(leaves) AS l FROM ${db}.aggregates
      WHERE fact = ${FACT.minute} AND queue IN ${inList(queues)} AND at >= ${first} GROUP BY minute`),
    rows<{ b: number }>(connection, sql`SELECT sum(n) AS b FROM ${db}.aggregates WHERE fact = ${FACT.open} AND queue IN ${inList(queues)} AND team = ''`),
    // The waits of each minute come back whole (sorted, each repeated by its count): history
    // points are few, and the nearest rank is then taken exactly as the embedded engine takes it.
    rows<WaitMinuteRow>(connection, sql`
      SELECT intDiv(at, ${MINUTE_MS}) AS minute, count() AS cnt,
        countIf(wait_ms <= ${perQueue(config, (t) => t * 1000)}) AS attained,
        arraySort(groupArray(wait_ms)) AS waits
      FROM (
        SELECT queue, at, wait_ms, sum(n) AS c FROM ${db}.aggregates
        WHERE fact = ${FACT.start} AND queue IN ${inList(queues)} AND team = '' AND at >= ${first * MINUTE_MS} AND at < ${(last + 1) * MINUTE_MS}
        GROUP BY queue, at, wait_ms HAVING c > 0
      ) ARRAY JOIN arrayResize([0], toUInt64(c)) AS copy
      GROUP BY minute`),
  ]);
  const byMinute = new Map(counts.map((r) => [Number(r.minute), r]));
  const waitsByMinute = new Map(waits.map((r) => [Number(r.minute), r]));
  let backlog = Number(backlogRows[0]?.b ?? 0);
  for (const [minute, r] of byMinute) if (minute > last) backlog -= Number(r.a) - Number(r.l);
  const raw: RawMinute[] = new Array(minutes);
  for (let i = minutes - 1; i >= 0; i--) {
    const minute = first + i;
    const r = byMinute.get(minute);
    const w = waitsByMinute.get(minute);
    raw[i] = {
      minute,
      arrivals: Number(r?.a ?? 0),
      completions: Number(r?.c ?? 0),
      backlog,
      waits: w ? w.waits.map(Number) : [],
      attained: Number(w?.attained ?? 0),
    };
    if (r) backlog -= Number(r.a) - Number(r.l);
  }
  return { generated_at: new Date(nowMs).toISOString(), queue: queue === undefined ? '*' : typeof queue === 'string' ? queue : queue.join(','), minutes, points: toHistoryPoints(raw) };
}
